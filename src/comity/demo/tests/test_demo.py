import hashlib
import io

import pytest
from django.core.management import call_command
from django.test import Client

from comity.accounts.demo import DEMO_PASSWORD
from comity.accounts.models import Authority
from comity.assets.demo import DESCRIPTIONS
from comity.assets.models import Asset
from comity.cooperation.models import Event, Request
from comity.cooperation.statemachine import replay
from comity.network.models import AlertAsset
from conftest import planned_rows


def fingerprint() -> str:
    rows = Request.objects.order_by("pk").values_list(
        "requesting_reference",
        "requested_country",
        "type",
        "status",
        "sent_on",
        "received_on",
        "closed_on",
        "outcome",
        "due_on",
    )
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


def load(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_demo_is_deterministic_under_a_seed_and_realistic():
    load("--seed", "7", "--requests", "400")
    first = fingerprint()
    assert Authority.objects.values("country").distinct().count() >= 30
    # (the drafts converted from the network's consultations are not sent yet)
    years = {d.year for d in Request.objects.exclude(sent_on=None).values_list("sent_on", flat=True)}
    assert min(years) == 2010 and max(years) == 2026
    assert {"executed", "refused", "in-execution"} <= set(Request.objects.values_list("status", flat=True))
    # every stored status is what the state machine makes of the stored timeline
    for request in Request.objects.prefetch_related("events")[:200]:
        timeline = replay((e.kind, e.occurred_on, e.refusal_grounds) for e in request.events.all())
        assert (timeline.status, timeline.received_on, timeline.closed_on) == (
            request.status,
            request.received_on,
            request.closed_on,
        )
    assert Event.objects.count() > 4 * 400 * 0.8
    assert planned_rows() == Request.objects.count()  # the planner's statistics are up to date
    # an asset is what its type says, held where such an asset is (no aircraft in a land registry)
    # (those an urgent freezing alert added to its sender's case are named by their identifier only)
    from_alerts = AlertAsset.objects.exclude(asset=None).values("asset")
    assets = list(Asset.objects.exclude(pk__in=from_alerts).values_list("type", "description", "institution"))
    assert from_alerts.exists()
    assert len({kind for kind, _d, _i in assets}) >= 5
    for kind, description, institution in assets:
        descriptions, institutions = DESCRIPTIONS[kind]
        assert description in descriptions and institution in institutions, (kind, description, institution)

    assert "already has data" in load("--if-empty")
    call_command("flush", "--no-input")
    load("--seed", "7", "--requests", "400")
    assert fingerprint() == first
    call_command("flush", "--no-input")
    load("--seed", "8", "--requests", "400")
    assert fingerprint() != first


@pytest.mark.django_db
def test_demo_logins_work_and_are_printed():
    load("--requests", "50")
    assert "pe-officer" in load("--logins") and DEMO_PASSWORD in load("--logins")
    client = Client()
    assert client.login(username="pe-officer", password=DEMO_PASSWORD)
    assert client.get("/api/v1/requests").json()["items"]


@pytest.mark.django_db
def test_the_secretariat_sees_the_demo_states_submissions_and_no_case():
    load("--requests", "300")
    client = Client()
    assert client.login(username="secretariat", password=DEMO_PASSWORD)
    page = client.get("/statistics/global/").content.decode()
    for state in ("Peru (PE)", "Switzerland (CH)", "Nigeria (NG)", "Brazil (BR)"):
        assert state in page
    assert "No submission for this period yet" not in page
    assert client.get("/api/v1/requests").json()["items"] == []


@pytest.mark.django_db
def test_the_admin_login_is_printed_with_the_others_and_opens_the_administration():
    load("--requests", "20")
    printed = load("--logins")
    assert any(line.split()[:2] == ["admin", "admin"] for line in printed.splitlines())
    client = Client()
    assert client.login(username="admin", password=DEMO_PASSWORD)
    assert client.get("/admin/").status_code == 200
