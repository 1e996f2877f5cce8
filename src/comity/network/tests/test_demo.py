"""The demo's network (#22 items 9, 10): the six States with logins are members of one network, and
the directory has entries and contact persons for all 36 States, the same under the same seed."""

import hashlib
import io

import pytest
from django.core.management import call_command
from django.test import Client

from comity.accounts.demo import CENTRAL_AUTHORITIES, DEMO_PASSWORD, USER_COUNTRIES
from comity.accounts.models import Authority
from comity.network.models import ContactPerson, DirectoryEntry, Membership


def directory_fingerprint() -> str:
    rows = list(
        DirectoryEntry.objects.order_by("authority__country", "authority__name").values_list(
            "authority__country", "competences", "languages", "channels", "affiliations", "last_confirmed_on"
        )
    ) + list(
        ContactPerson.objects.order_by("entry__authority__country", "pk").values_list(
            "name", "phone", "urgent"
        )
    )
    return hashlib.sha256(repr(rows).encode()).hexdigest()


@pytest.mark.django_db(transaction=True)
def test_the_demo_network_and_directory():
    call_command("demo", "--seed", "7", "--requests", "20", stdout=io.StringIO())
    members = Membership.objects.filter(state="approved").values_list("authority__country", flat=True)
    assert sorted(members) == sorted(USER_COUNTRIES)
    countries = set(DirectoryEntry.objects.values_list("authority__country", flat=True))
    assert countries == {country for country, _name in CENTRAL_AUTHORITIES} and len(countries) == 36
    assert not DirectoryEntry.objects.filter(contacts__isnull=True).exists()
    assert ContactPerson.objects.filter(urgent=True).exists()
    client = Client()
    assert client.login(username="ch-officer", password=DEMO_PASSWORD)
    items = client.get("/api/v1/network/directory?country=PE").json()["items"]
    assert len(items) == 2 and any(
        item["stale"] for item in client.get("/api/v1/network/directory").json()["items"]
    )
    found = client.get("/api/v1/network/finder?country=PE&measure=freezing&urgent=true").json()["results"]
    assert found[0]["authority"]["kind"] == "asset-recovery-office" and found[0]["contact"]["urgent"]
    assert client.get(f"/network/directory/{items[0]['authority']['id']}/").status_code == 200
    swiss = Authority.objects.get(country="CH", kind="central-authority")
    assert client.get(f"/network/directory/{swiss.pk}/edit/").status_code == 200  # its officer edits it
    first = directory_fingerprint()
    call_command("flush", "--no-input")
    call_command("demo", "--seed", "7", "--requests", "20", stdout=io.StringIO())
    assert directory_fingerprint() == first
