"""The pages of the dual criminality assessment and the offence crosswalk (#23 item 4): the form
and the verdict with its reasons, labelled guidance, not a legal opinion; a bad case named field by
field; a profile's national offences; none of it for whoever reads no case."""

import pytest
from django.test import Client

from comity.guidance.tests.helpers import logged_in, store_swiss_offences

URL = "/guidance/dual-criminality/"


@pytest.fixture
def swiss(db):
    store_swiss_offences(demonstration=True)


def test_an_officer_assesses_a_case_and_reads_the_verdict_and_its_reasons(swiss, peru):
    client = logged_in(peru.officer)
    blank = client.get(URL + "?country=CH").content.decode()
    assert "Guidance, not a legal opinion." in blank and "Needs attention" not in blank
    assert '<option value="CH" selected>' in blank and '<option value="PE" selected>' in blank
    page = client.get(
        URL,
        {"requesting_country": "PE", "requested_country": "CH", "offences": ["uncac-19"],
         "measures": ["search-seizure"], "conduct": ["abuse-of-functions"], "subject": "legal-person"},
    )  # fmt: skip
    html = page.content.decode()
    assert page.status_code == 200
    assert 'class="verdict needs-attention"' in html and "Guidance, not a legal opinion." in html
    assert 'data-code="legal-person-not-liable"' in html and "only natural persons" in html
    assert "Amtsmissbrauch" in html and "Demonstration data, not legal guidance." in html
    named = client.get(
        URL,
        {"requesting_country": "PE", "requested_country": "CH", "offences": ["uncac-20"],
         "measures": ["bank-records"], "conduct": ["bribe-official-take"]},
    ).content.decode()  # fmt: skip
    assert 'class="verdict likely-satisfied"' in named and 'data-code="different-name"' in named
    # Extradition: no measure to choose, and dual criminality always checked.
    extradition = client.get(
        URL,
        {"requesting_country": "PE", "requested_country": "CH", "type": "extradition", "offences": ["uncac-20"],
         "conduct": ["illicit-enrichment"]},
    )  # fmt: skip
    assert extradition.status_code == 200
    html = extradition.content.decode()
    assert 'class="verdict needs-attention"' in html and 'data-code="extradition"' in html


def test_a_bad_case_names_each_field(swiss, peru):
    page = logged_in(peru.officer).get(URL, {"requesting_country": "PE", "requested_country": "PE"})
    assert page.status_code == 422
    html = page.content.decode()
    assert "The requested State must differ from the requesting State." in html
    assert html.count("This field is required.") == 2  # offences, measures
    assert 'class="verdict' not in html


def test_the_crosswalk_and_a_profiles_offences(swiss, nigeria):
    client = logged_in(nigeria.viewer)
    table = client.get("/guidance/crosswalk/").content.decode()
    assert 'id="laundering-convert"' in table and "07041" in table and "23(1)(a)(i)" in table
    assert "Laundering of the proceeds of crime" in table and "2002/584/JHA" in table
    profile = client.get("/guidance/CH/").content.decode()
    assert 'id="national-offences"' in profile and "Sich bestechen lassen" in profile
    assert "art. 322quater" in profile and f"{URL}?country=CH" in profile


def test_the_pages_do_not_exist_for_who_reads_no_case(swiss, secretariat_user):
    for url in (URL, URL + "?requesting_country=PE&requested_country=CH", "/guidance/crosswalk/"):
        assert logged_in(secretariat_user).get(url).status_code == 404, url
        assert Client().get(url).status_code == 302, url
