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
