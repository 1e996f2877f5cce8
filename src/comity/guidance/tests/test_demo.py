"""The demo's profiles (#23 item 8): the six States with logins and ten more, each marked as
demonstration data, the same at every load."""

import pytest

from comity.accounts.demo import USER_COUNTRIES
from comity.guidance.assessment import Case
from comity.guidance.demo import create_library, create_national_offences, create_profiles
from comity.guidance.models import LibraryDocument, NationalOffence, Profile
from comity.guidance.schemas import ProfileDocument
from comity.guidance.selectors import dual_criminality, library_search
from comity.reference.choices import Measure


@pytest.mark.django_db
def test_demo_profiles_are_marked_complete_and_deterministic():
    assert create_profiles() >= 16
    first = {p.country: p.document for p in Profile.objects.all()}
    assert set(USER_COUNTRIES) <= set(first) and len(first) >= 16
    for document in first.values():
        ProfileDocument.model_validate(document)
        assert document["demonstration"] is True
        assert all(
            field["source"].startswith("Demonstration data, not legal guidance")
            for field in document["general"].values()
        )
        assert {"bank-records", "testimony", "freezing"} <= set(document["measures"]) <= set(Measure.values)
    Profile.objects.all().delete()
    create_profiles()
    assert {p.country: p.document for p in Profile.objects.all()} == first
    # Plausibly different from each other: not sixteen copies of one.
    assert len({repr(d["general"]["languages"]["value"]) for d in first.values()}) >= 5


def test_demo_national_offences_are_marked_valid_and_make_the_assessment_differ(peru):
    create_profiles()
    assert create_national_offences() >= 16
    by_state = {country: list(NationalOffence.objects.filter(country=country)) for country in USER_COUNTRIES}
    assert all(by_state.values()) and all(o.demonstration for offences in by_state.values() for o in offences)
    assert all(
        o.source.startswith("Demonstration data, not legal guidance") for o in NationalOffence.objects.all()
    )
    first = list(NationalOffence.objects.values_list("country", "name", "conduct", "confirmed_on"))
    create_national_offences()  # the same again writes nothing new
    assert list(NationalOffence.objects.values_list("country", "name", "conduct", "confirmed_on")) == first
    # The demo shows the cases of the assessment: a company in Brazil, where only natural persons
    # can be liable, and illicit enrichment asked of Switzerland, where it is no offence.
    company = Case("PE", "BR", ("uncac-23",), ("freezing",), ("laundering-convert",), "legal-person")
    assert dual_criminality(peru.officer, company).verdict == "needs-attention"
    enrichment = Case("PE", "CH", ("uncac-20",), ("bank-records",), ("bribe-official-take",))
    assert dual_criminality(peru.officer, enrichment).verdict == "likely-satisfied"


def test_demo_library_is_marked_searchable_and_deterministic(peru):
    added = create_library(with_forms=tuple(USER_COUNTRIES))
    documents = list(LibraryDocument.objects.order_by("country", "title"))
    assert added == len(documents) >= 2 * 16 + 2 * len(USER_COUNTRIES)
    for country in USER_COUNTRIES:
        kinds = {d.kind for d in documents if d.country == country}
        assert {"law", "guide", "model-form", "template"} <= kinds, country
    assert all(
        d.demonstration and d.description.startswith("Demonstration data, not legal guidance")
        for d in documents
    )
    with_files = [d for d in documents if d.has_file]
    assert len(with_files) >= 16 and all(d.content_type == "text/plain" for d in with_files)
    # The search finds words that are only inside the files.
    found = library_search(peru.officer, q="beneficial", country="")
    assert found.exists() and all("beneficial" not in d.title.lower() + d.description.lower() for d in found)
    assert library_search(peru.officer, q="advised", country="PE", kind="model-form").count() == 1
    # The same documents at every load; a second run adds nothing.
    first = [(d.country, d.title, d.kind, d.language, d.issued_on, d.measures, d.sha256) for d in documents]
    assert create_library(with_forms=tuple(USER_COUNTRIES)) == 0
    LibraryDocument.objects.all().delete()
    create_library(with_forms=tuple(USER_COUNTRIES))
    again = LibraryDocument.objects.order_by("country", "title")
    assert [
        (d.country, d.title, d.kind, d.language, d.issued_on, d.measures, d.sha256) for d in again
    ] == first
