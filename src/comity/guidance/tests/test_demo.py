"""The demo's profiles (#23 item 8): the six States with logins and ten more, each marked as
demonstration data, the same at every load."""

import pytest

from comity.accounts.demo import USER_COUNTRIES
from comity.guidance.demo import create_profiles
from comity.guidance.models import Profile
from comity.guidance.schemas import ProfileDocument
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
