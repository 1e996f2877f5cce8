from comity.reference.countries import UNKNOWN_REGION, country_codes, country_name, region_of


def test_every_country_has_a_name_and_most_a_un_region():
    regions = {region_of(code)[0] for code in country_codes()}
    assert {"Africa", "Americas", "Asia", "Europe", "Oceania"} <= regions
    placed = [code for code in country_codes() if region_of(code)[0] != UNKNOWN_REGION]
    assert len(placed) >= 240
    assert all(country_name(code) for code in country_codes())


def test_m49_regions_and_subregions():
    assert region_of("PE") == ("Americas", "Latin America and the Caribbean")
    assert region_of("NG") == ("Africa", "Sub-Saharan Africa")
    assert region_of("CH") == ("Europe", "Western Europe")


def test_a_un_region_is_named_in_the_active_language():
    from django.utils import translation

    from comity.reference.countries import UNKNOWN_REGION, region_name, region_of

    assert region_of("PE")[0] == "Americas"
    with translation.override("fr"):
        assert region_name("Americas") == "Amériques"
    with translation.override("zh-hans"):
        assert region_name("Europe") == "欧洲"
    with translation.override("ar"):
        assert region_name("Africa") == "أفريقيا"
        assert region_name(UNKNOWN_REGION) != UNKNOWN_REGION
