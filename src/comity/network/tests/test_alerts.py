"""Urgent freezing alerts (#22 item 6): sent to another State's 24/7 contact, acknowledged, the
outcome recorded; escalated when not acknowledged in time; a freezing in answer becomes a step of
the asset in the sender's asset case; refused to anyone outside the alert with a 404."""

import datetime
import random
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone, translation

from comity.accounts.tests.factories import AuthorityFactory
from comity.assets import services as asset_services
from comity.assets.models import Asset, AssetStep
from comity.core.models import AccessEntry, AuditEntry
from comity.network import services
from comity.network.choices import NotificationKind
from comity.network.demo import create_alerts_and_meetings
from comity.network.models import Alert, AlertStep, ContactPerson, DirectoryEntry, Notification
from conftest import bearer

IBAN = "CH93 0076 2011 6238 5295 7"
IBAN_COMPACT = "CH9300762011623852957"


@pytest.fixture
def hub(peru, switzerland):
    """Peru and Switzerland are members of one network; Switzerland's directory names two 24/7
    contacts: a duty officer who is a user of Comity and a functional mailbox that is not."""
    network = services.network_create(actor=None, code="hub", name="Comity hub")
    for side in (peru, switzerland):
        membership = services.membership_request(actor=None, network=network, authority=side.authority)
        services.membership_decide(actor=None, membership=membership, approve=True)
    switzerland.officer.email = "duty@bj.example"
    switzerland.officer.save()
    switzerland.head.email = "head@bj.example"
    switzerland.head.save()
    peru.officer.email = "officer@fiscalia.example"
    peru.officer.save()
    entry = DirectoryEntry.objects.create(authority=switzerland.authority)
    ContactPerson.objects.create(entry=entry, name="Duty officer", email="duty@bj.example", urgent=True)
    ContactPerson.objects.create(
        entry=entry, name="Second duty desk", mailbox="desk@bj.example", urgent=True, position=1
    )
    return network


def _deadline(hours: int = 24) -> str:
    return (timezone.now() + datetime.timedelta(hours=hours)).isoformat()


def _case(peru, switzerland):
    return asset_services.case_create(
        actor=peru.officer,
        title="Bribes for the port concession",
        origin_country="PE",
        offences=["uncac-15"],
        asset_location_countries=["CH"],
    )


def _post(client: Client, url: str, body: dict) -> object:
    return client.post(url, body, content_type="application/json")


def test_an_alert_goes_from_acknowledgement_to_a_frozen_asset_in_the_senders_case(
    hub, peru, switzerland, mailoutbox, django_capture_on_commit_callbacks
):
    case = _case(peru, switzerland)
    sender, recipient = bearer(peru.officer), bearer(switzerland.officer)
    with django_capture_on_commit_callbacks(execute=True):
        sent = _post(
            sender,
            "/api/v1/alerts",
            {
                "to_authority": switzerland.authority.pk,
                "assets": [
                    {"identifier_kind": "iban", "identifier": IBAN, "amount": "2500000", "currency": "usd"}
                ],
                "reason": "The account holder is moving the bribes to a trust tonight.",
                "deadline": _deadline(),
                "asset_case": case.pk,
            },
        )
    assert sent.status_code == 201, sent.content
    alert = sent.json()
    assert alert["status"] == "sent" and alert["asset_case"] == case.pk
    assert alert["assets"] == [
        {
            "id": alert["assets"][0]["id"],
            "identifier_kind": "iban",
            "identifier": IBAN_COMPACT,
            "amount": "2500000.00",
            "currency": "USD",
            "frozen": False,
        }
    ]
    # The asset is now an asset of the sender's case, in the recipient's State: nothing to re-key.
    asset = Asset.objects.get(case=case)
    assert (asset.identifier, asset.location_country, asset.type) == (IBAN_COMPACT, "CH", "bank-account")
    # The first 24/7 contact (a user) is notified and e-mailed at once; only a link, no case detail.
    assert Notification.objects.filter(user=switzerland.officer, kind="alert", urgent=True).count() == 1
    assert [m.to for m in mailoutbox] == [["duty@bj.example"]]
    assert mailoutbox[0].body.endswith(f"/network/alerts/{alert['id']}/\n")
    assert "trust" not in mailoutbox[0].body and IBAN_COMPACT not in mailoutbox[0].body

    assert recipient.get("/api/v1/alerts?status=lost").status_code == 422
    assert recipient.get("/api/v1/alerts?direction=up").json()["errors"][0]["field"] == "direction"
    assert recipient.get("/api/v1/alerts?status=frozen").json() == {"items": [], "next_cursor": None}
    received = recipient.get("/api/v1/alerts?direction=received").json()["items"]
    assert [a["id"] for a in received] == [alert["id"]]
    detail = recipient.get(f"/api/v1/alerts/{alert['id']}").json()
    assert detail["asset_case"] is None  # the sender's case is not the recipient's to know
    assert detail["reason"].startswith("The account holder")

    acknowledged = _post(recipient, f"/api/v1/alerts/{alert['id']}/acknowledge", {"note": "On it."})
    assert acknowledged.status_code == 200 and acknowledged.json()["status"] == "acknowledged"
    frozen = _post(
        recipient,
        f"/api/v1/alerts/{alert['id']}/outcome",
        {"outcome": "frozen", "order_reference": "MP-2026-114"},
    )
    assert frozen.status_code == 200, frozen.content
    assert frozen.json()["assets"][0]["frozen"] is True

    # The sender sees each step with its time, and the freezing in its own case.
    seen = sender.get(f"/api/v1/alerts/{alert['id']}").json()
    assert [s["status"] for s in seen["steps"]] == ["sent", "acknowledged", "frozen"]
    assert all(s["at"].endswith("Z") for s in seen["steps"])
    assert seen["steps"][1]["note"] == "On it."
    in_case = sender.get(f"/api/v1/asset-cases/{case.pk}").json()["assets"][0]
    assert in_case["status"] == "frozen" and in_case["frozen_on"] == timezone.localdate().isoformat()
    step = in_case["steps"][0]
    assert (
        step["kind"],
        step["amount"],
        step["currency"],
        step["order_reference"],
        step["order_country"],
    ) == (
        "frozen",
        "2500000.00",
        "USD",
        "MP-2026-114",
        "CH",
    )
    assert AssetStep.objects.get().authority_id == switzerland.authority.pk
    assert Notification.objects.filter(user=peru.officer, kind="alert-step").count() == 2
    # Audit rows name the step, never the reason, identifier or amounts.
    rows = AuditEntry.objects.filter(object_type="network.alert").order_by("pk")
    assert list(rows.values_list("action", flat=True)) == [
        "alert.create",
        "alert.acknowledge",
        "alert.outcome",
    ]
    assert all("trust" not in str(r.detail) and IBAN_COMPACT not in str(r.detail) for r in rows)
    assert AccessEntry.objects.filter(object_type="network.alert", channel="api").exists()


def test_an_alert_without_a_case_names_assets_of_the_case_by_id_or_identifier(hub, peru, switzerland):
    case = _case(peru, switzerland)
    known = asset_services.asset_add(
        actor=peru.officer,
        case=case,
        type="securities",
        location_country="CH",
        identifier_kind="isin",
        identifier="US0378331005",
    )
    sent = _post(
        bearer(peru.officer),
        "/api/v1/alerts",
        {
            "to_authority": switzerland.authority.pk,
            "assets": [{"asset": known.pk}, {"identifier_kind": "iban", "identifier": IBAN}],
            "reason": "Shares and an account of the official's nominee.",
            "deadline": _deadline(),
            "asset_case": case.pk,
        },
    )
    assert sent.status_code == 201, sent.content
    assert [a["identifier"] for a in sent.json()["assets"]] == ["US0378331005", IBAN_COMPACT]
    assert Asset.objects.filter(case=case).count() == 2  # the ISIN was there already
    # Without a case, the alert stands alone: nothing is added anywhere.
    alone = _post(
        bearer(peru.officer),
        "/api/v1/alerts",
        {
            "to_authority": switzerland.authority.pk,
            "assets": [{"identifier_kind": "account", "identifier": "0042-77"}],
            "reason": "A second account.",
            "deadline": _deadline(),
        },
    )
    assert alone.status_code == 201 and Asset.objects.count() == 2


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (
            {"assets": [{"identifier_kind": "iban", "identifier": "CH9300762011623852958"}]},
            "assets.0.identifier",
            "IBAN",
        ),
        ({"assets": [{"identifier_kind": "iban", "identifier": ""}]}, "assets.0.identifier", "required"),
        ({"assets": [{"identifier_kind": "bank", "identifier": "123"}]}, "assets.0.identifier_kind", "bank"),
        ({"assets": []}, "assets", "at least one"),
        (
            {"assets": [{"identifier_kind": "iban", "identifier": IBAN, "amount": "-1", "currency": "USD"}]},
            "assets.0.amount",
            "negative",
        ),
        (
            {"assets": [{"identifier_kind": "iban", "identifier": IBAN, "amount": "10", "currency": "XYZ"}]},
            "assets.0.currency",
            "XYZ",
        ),
        ({"deadline": "2020-01-01T00:00:00Z"}, "deadline", "passed"),
        ({"deadline": "2026-12-06T18:00:00"}, "deadline", "time zone"),
        ({"reason": "  "}, "reason", "required"),
        ({"reason": "x" * 5_001}, "reason", "5"),
        ({"asset_case": 999999}, "asset_case", "999999"),
        ({"to_authority": 999999}, "to_authority", "No authority with id 999999"),
    ],
)
def test_a_bad_alert_names_the_field_and_writes_nothing(hub, peru, switzerland, change, field, words):
    body = {
        "to_authority": switzerland.authority.pk,
        "assets": [{"identifier_kind": "iban", "identifier": IBAN}],
        "reason": "Urgent.",
        "deadline": _deadline(),
        "asset_case": _case(peru, switzerland).pk,
    } | change
    response = _post(bearer(peru.officer), "/api/v1/alerts", body)
    assert response.status_code == 422, response.content
    errors = {e["field"]: e["detail"] for e in response.json()["errors"]}
    assert words in errors[field], errors
    assert Alert.objects.count() == 0 and Asset.objects.count() == 0 and Notification.objects.count() == 0


def test_only_a_member_of_another_state_can_be_alerted(hub, peru, switzerland, nigeria):
    # Peru's asset recovery office is a member too, but of Peru: an alert goes abroad.
    office = AuthorityFactory(country="PE", name="Asset recovery office")
    membership = services.membership_request(actor=None, network=hub, authority=office)
    services.membership_decide(actor=None, membership=membership, approve=True)
    body = {
        "assets": [{"identifier_kind": "iban", "identifier": IBAN}],
        "reason": "Urgent.",
        "deadline": _deadline(),
    }
    for target in (nigeria.authority.pk, peru.authority.pk, office.pk):  # not a member; own; own State
        response = _post(bearer(peru.officer), "/api/v1/alerts", body | {"to_authority": target})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "to_authority"
    assert Alert.objects.count() == 0


def _alert(peru, switzerland, **overrides) -> Alert:
    fields = {
        "actor": peru.officer,
        "to_authority": switzerland.authority,
        "assets": [services.AlertAssetInput(identifier_kind="iban", identifier=IBAN)],
        "reason": "Urgent.",
        "deadline": timezone.now() + datetime.timedelta(hours=12),
    } | overrides
    return services.alert_send(**fields)


def test_outsiders_get_404_everywhere(hub, peru, switzerland, nigeria):
    alert = _alert(peru, switzerland)
    # Nigeria joins the network but is not a party to the alert.
    membership = services.membership_request(actor=None, network=hub, authority=nigeria.authority)
    services.membership_decide(actor=None, membership=membership, approve=True)
    outsider = bearer(nigeria.officer)
    assert outsider.get("/api/v1/alerts").json()["items"] == []
    for method, url in [
        ("get", f"/api/v1/alerts/{alert.pk}"),
        ("post", f"/api/v1/alerts/{alert.pk}/acknowledge"),
        ("post", f"/api/v1/alerts/{alert.pk}/outcome"),
        ("post", f"/api/v1/alerts/{alert.pk}/withdraw"),
    ]:
        response = getattr(outsider, method)(url, {"outcome": "frozen"}, content_type="application/json")
        assert response.status_code == 404, url
    # Suspended: Switzerland, the recipient itself, can read nothing of the network.
    services.membership_suspend(actor=None, membership=switzerland.authority.memberships.get())
    suspended = bearer(switzerland.officer)
    assert suspended.get("/api/v1/alerts").status_code == 404
    assert suspended.get(f"/api/v1/alerts/{alert.pk}").status_code == 404
    assert _post(suspended, f"/api/v1/alerts/{alert.pk}/acknowledge", {}).status_code == 404
    # Not a member at all, on the API and the pages; anonymous callers are not let in.
    services.membership_suspend(actor=None, membership=nigeria.authority.memberships.get())
    assert bearer(nigeria.officer).get("/api/v1/alerts").status_code == 404
    page = Client()
    page.force_login(nigeria.officer)
    for url in ["/network/alerts/", "/network/alerts/new/", f"/network/alerts/{alert.pk}/"]:
        assert page.get(url).status_code == 404, url
    assert page.post(f"/network/alerts/{alert.pk}/acknowledge/").status_code == 404
    assert Client().get("/api/v1/alerts").status_code == 401
    assert alert.steps.count() == 1


def test_steps_follow_in_order_and_only_the_right_side_takes_each(hub, peru, switzerland):
    alert = _alert(peru, switzerland)
    recipient, sender = bearer(switzerland.officer), bearer(peru.officer)
    early = _post(recipient, f"/api/v1/alerts/{alert.pk}/outcome", {"outcome": "frozen"})
    assert early.status_code == 422 and early.json()["errors"][0]["field"] == "status"
    assert _post(sender, f"/api/v1/alerts/{alert.pk}/acknowledge", {}).status_code == 403  # the sender
    assert _post(bearer(switzerland.viewer), f"/api/v1/alerts/{alert.pk}/acknowledge", {}).status_code == 403
    assert _post(recipient, f"/api/v1/alerts/{alert.pk}/acknowledge", {}).status_code == 200
    assert _post(recipient, f"/api/v1/alerts/{alert.pk}/acknowledge", {}).status_code == 422  # once
    why = _post(recipient, f"/api/v1/alerts/{alert.pk}/outcome", {"outcome": "not-possible"})
    assert why.status_code == 422 and why.json()["errors"][0]["field"] == "reason"
    bad = _post(recipient, f"/api/v1/alerts/{alert.pk}/outcome", {"outcome": "escalated"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "outcome"
    ordered = _post(recipient, f"/api/v1/alerts/{alert.pk}/outcome", {"outcome": "freezing-ordered"})
    assert ordered.json()["status"] == "freezing-ordered"
    again = _post(recipient, f"/api/v1/alerts/{alert.pk}/outcome", {"outcome": "freezing-ordered"})
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "outcome"
    twice = _post(
        recipient,
        f"/api/v1/alerts/{alert.pk}/outcome",
        {"outcome": "frozen", "frozen": [{"alert_asset": alert.assets.get().pk}] * 2},
    )
    assert twice.status_code == 422 and twice.json()["errors"][0]["field"] == "frozen.1.alert_asset"
    unknown = _post(
        recipient,
        f"/api/v1/alerts/{alert.pk}/outcome",
        {"outcome": "frozen", "frozen": [{"alert_asset": 999999}]},
    )
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "frozen.0.alert_asset"
    assert _post(recipient, f"/api/v1/alerts/{alert.pk}/outcome", {"outcome": "frozen"}).status_code == 200
    assert _post(sender, f"/api/v1/alerts/{alert.pk}/withdraw", {}).status_code == 422  # too late
    assert list(AlertStep.objects.filter(alert=alert).values_list("status", flat=True)) == [
        "sent",
        "acknowledged",
        "freezing-ordered",
        "frozen",
    ]
    assert AssetStep.objects.count() == 0  # no case named: the freezing is the alert's alone

    other = _alert(peru, switzerland)
    assert (
        _post(sender, f"/api/v1/alerts/{other.pk}/withdraw", {"reason": "Frozen at home."}).json()["status"]
        == "withdrawn"
    )
    with pytest.raises(PermissionDenied):
        services.alert_withdraw(actor=switzerland.officer, alert=_alert(peru, switzerland))


def test_an_alert_not_acknowledged_in_time_escalates_to_the_second_contact_and_the_head(
    hub, peru, switzerland, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.COMITY_ALERT_ACK_HOURS = 2
    with django_capture_on_commit_callbacks(execute=True):
        alert = _alert(peru, switzerland)
    mailoutbox.clear()
    later = timezone.now()
    assert services.alerts_escalate(now=later + datetime.timedelta(hours=1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.alerts_escalate(now=later + datetime.timedelta(hours=2, minutes=1)) == 1
    alert.refresh_from_db()
    assert alert.status == "escalated" and alert.escalated_at is not None
    assert Notification.objects.filter(user=switzerland.head, kind="alert", urgent=True).count() == 1
    assert Notification.objects.filter(user=peru.officer, kind="alert-step").count() == 1
    assert sorted(m.to[0] for m in mailoutbox) == [
        "desk@bj.example",
        "head@bj.example",
        "officer@fiscalia.example",
    ]
    assert services.alerts_escalate(now=later + datetime.timedelta(hours=5)) == 0  # once
    # Escalated, it can still be acknowledged; the sender sees when each step happened.
    acknowledged = _post(bearer(switzerland.head), f"/api/v1/alerts/{alert.pk}/acknowledge", {})
    assert acknowledged.json()["status"] == "acknowledged"
    assert [s["status"] for s in acknowledged.json()["steps"]] == ["sent", "escalated", "acknowledged"]
    assert AuditEntry.objects.filter(action="alert.escalate", actor=None).count() == 1


def test_the_escalation_is_a_sweep_of_the_worker(settings):
    assert "comity.network.services.alerts_escalate" in settings.COMITY_WORKER_SWEEPS


def _page(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_pages_send_acknowledge_and_answer_an_alert(hub, peru, switzerland):
    case = _case(peru, switzerland)
    sender = _page(peru.officer)
    form = sender.get("/network/alerts/new/", follow=True)
    assert form.status_code == 200 and switzerland.authority.name in form.content.decode()
    assert (
        peru.authority.name not in form.content.decode().split('name="to_authority"')[1].split("</select>")[0]
    )
    token = form.context["form"]["form_token"].value()
    fields = {
        "form_token": token,
        "to_authority": switzerland.authority.pk,
        "asset_case": case.pk,
        "reason": "Moving tonight.",
        "deadline": (timezone.now() + datetime.timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M"),
        "identifier_kind_0": "iban",
        "identifier_0": "CH9300762011623852958",  # a wrong check digit
    }
    refused = sender.post(form.redirect_chain[-1][0], fields)
    assert refused.status_code == 422 and "Not a valid IBAN" in refused.content.decode()
    assert Alert.objects.count() == 0
    sent = sender.post(
        form.redirect_chain[-1][0], fields | {"identifier_0": IBAN, "amount_0": "1000", "currency_0": "EUR"}
    )
    alert = Alert.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/network/alerts/{alert.pk}/"
    shown = sender.get(sent["Location"]).content.decode()
    assert (
        "Moving tonight." in shown
        and IBAN_COMPACT in shown
        and case.title in shown
        and 'id="withdraw-form"' in shown
    )

    recipient = _page(switzerland.officer)
    listed = recipient.get("/network/alerts/?direction=received").content.decode()
    assert f"/network/alerts/{alert.pk}/" in listed
    page = recipient.get(f"/network/alerts/{alert.pk}/").content.decode()
    assert 'id="acknowledge-form"' in page and case.title not in page  # the sender's case is the sender's
    assert recipient.post(f"/network/alerts/{alert.pk}/acknowledge/", {"note": ""}).status_code == 302
    no_reason = recipient.post(f"/network/alerts/{alert.pk}/outcome/", {"outcome": "not-possible"})
    assert no_reason.status_code == 422 and 'id="outcome-form"' in no_reason.content.decode()
    row = alert.assets.get().pk
    no_amount = recipient.post(
        f"/network/alerts/{alert.pk}/outcome/", {"outcome": "frozen", f"frozen_{row}": "on"}
    )
    assert no_amount.status_code == 422  # the asset's step in the case needs the amount frozen
    assert no_amount.context["forms"]["outcome"].errors[f"amount_{row}"]
    ticked = {"outcome": "frozen", f"frozen_{row}": "on", f"amount_{row}": "1000", f"currency_{row}": "EUR"}
    assert recipient.post(f"/network/alerts/{alert.pk}/outcome/", ticked).status_code == 302
    assert Asset.objects.get(case=case).status == "frozen"
    # A viewer reads the alert and is offered no form.
    viewer = _page(switzerland.viewer).get(f"/network/alerts/{alert.pk}/").content.decode()
    assert "Frozen" in viewer and '<form method="post" action="/network' not in viewer


def test_the_demo_has_alerts_at_each_step_between_members(hub, peru, switzerland, nigeria):
    membership = services.membership_request(actor=None, network=hub, authority=nigeria.authority)
    services.membership_decide(actor=None, membership=membership, approve=True)
    _case(peru, switzerland)
    assert create_alerts_and_meetings(random.Random(7)) == (3, 1)
    alerts = {
        (a.from_authority.country, a.to_authority.country): a
        for a in Alert.objects.select_related("from_authority", "to_authority")
    }
    assert alerts[("PE", "CH")].status == "frozen" and alerts[("CH", "NG")].status == "withdrawn"
    assert alerts[("CH", "PE")].status == "acknowledged"
    assert Asset.objects.get().status == "frozen"  # in Peru's case
    assert Notification.objects.filter(kind="alert").exists()


def test_figures_say_how_fast_alerts_were_acknowledged_and_how_they_ended(hub, peru, switzerland, nigeria):
    answered = _alert(peru, switzerland)
    services.alert_acknowledge(actor=switzerland.officer, alert=answered)
    services.alert_outcome(
        actor=switzerland.officer, alert=answered, outcome="not-possible", reason="Closed."
    )
    answered.refresh_from_db()
    # Sent 30 minutes before it was acknowledged, three hours before its outcome.
    Alert.objects.filter(pk=answered.pk).update(
        sent_at=answered.acknowledged_at - datetime.timedelta(minutes=30)
    )
    AlertStep.objects.filter(alert=answered, status="not-possible").update(
        at=answered.acknowledged_at + datetime.timedelta(hours=2, minutes=30)
    )
    _alert(switzerland, peru)  # received, not yet acknowledged
    figures = bearer(peru.officer).get("/api/v1/statistics/network").json()["alerts"]
    assert (figures["sent"], figures["received"]) == (1, 1)
    assert figures["by_status"]["not-possible"] == 1 and figures["by_status"]["sent"] == 1
    within = {row["within"]: row["alerts"] for row in figures["acknowledged_within"]}
    assert within == {"1h": 1, "2h": 0, "6h": 0, "24h": 0, "later": 0, "not-acknowledged": 1}
    assert figures["median_hours_to_acknowledgement"] == 0.5 and figures["median_hours_to_outcome"] == 3.0
    page = _page(peru.officer).get("/statistics/network/")
    assert page.status_code == 200 and "Within an hour" in page.content.decode()
    # Nigeria's figures hold none of them; a non-member has no such page.
    assert bearer(nigeria.officer).get("/api/v1/statistics/network").status_code == 404
    assert _page(nigeria.officer).get("/statistics/network/").status_code == 404


def test_the_alert_form_lists_the_cases_assets_to_tick_and_puts_each_error_on_its_row(hub, peru, switzerland):
    case = _case(peru, switzerland)
    known = asset_services.asset_add(
        actor=peru.officer,
        case=case,
        type="bank-account",
        location_country="CH",
        identifier_kind="iban",
        identifier=IBAN,
    )
    sender = _page(peru.officer)
    picker = sender.get(f"/network/alerts/new/case-assets/?asset_case={case.pk}").content.decode()
    assert IBAN_COMPACT in picker and f'value="{known.pk}"' in picker
    other = Client()
    other.force_login(switzerland.officer)
    assert (
        IBAN_COMPACT
        not in other.get(f"/network/alerts/new/case-assets/?asset_case={case.pk}").content.decode()
    )
    form = sender.get(f"/network/alerts/new/?asset_case={case.pk}", follow=True)
    assert IBAN_COMPACT in form.content.decode()  # the case chosen in the address lists its assets
    fields = {
        "form_token": form.context["form"]["form_token"].value(),
        "to_authority": switzerland.authority.pk,
        "asset_case": case.pk,
        "case_assets": [known.pk],
        "reason": "Moving tonight.",
        "deadline": (timezone.now() + datetime.timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M"),
        "identifier_kind_2": "iban",  # the third row; the others are left empty
        "identifier_2": "GB82WEST12345698765433",
    }
    refused = sender.post(form.redirect_chain[-1][0], fields)
    assert refused.status_code == 422
    assert "Not a valid IBAN" in str(refused.context["form"].errors["identifier_2"])
    sent = sender.post(form.redirect_chain[-1][0], fields | {"identifier_2": "GB82WEST12345698765432"})
    assert sent.status_code == 302
    assert [a.asset_id for a in Alert.objects.get().assets.all()][0] == known.pk
    assert Asset.objects.filter(case=case).count() == 2  # the British account joined the case


def test_the_outcome_form_says_which_assets_were_frozen_and_for_how_much(hub, peru, switzerland):
    case = _case(peru, switzerland)
    alert = _alert(
        peru,
        switzerland,
        asset_case=case,
        assets=[
            services.AlertAssetInput(
                identifier_kind="iban", identifier=IBAN, amount=Decimal(900), currency="USD"
            ),
            services.AlertAssetInput(identifier_kind="account", identifier="0042-77"),
        ],
    )
    services.alert_acknowledge(actor=switzerland.officer, alert=alert)
    first, second = alert.assets.order_by("pk")
    page = _page(switzerland.officer)
    shown = page.get(f"/network/alerts/{alert.pk}/").content.decode()
    assert f'name="frozen_{first.pk}"' in shown and 'value="900.00"' in shown
    none = page.post(f"/network/alerts/{alert.pk}/outcome/", {"outcome": "frozen"})
    assert none.status_code == 422 and "Tick the assets" in none.content.decode()
    bad = page.post(
        f"/network/alerts/{alert.pk}/outcome/",
        {
            "outcome": "frozen",
            f"frozen_{first.pk}": "on",
            f"amount_{first.pk}": "500",
            f"currency_{first.pk}": "XYZ",
        },
    )
    assert bad.status_code == 422 and "XYZ" in str(
        bad.context["forms"]["outcome"].errors[f"currency_{first.pk}"]
    )
    done = page.post(
        f"/network/alerts/{alert.pk}/outcome/",
        {
            "outcome": "frozen",
            f"frozen_{first.pk}": "on",
            f"amount_{first.pk}": "500",
            f"currency_{first.pk}": "USD",
        },
    )
    assert done.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.frozen_step.amount == Decimal(500) and second.frozen_step is None
    statuses = dict(Asset.objects.filter(case=case).values_list("identifier", "status"))
    assert statuses == {IBAN_COMPACT: "frozen", "0042-77": "identified"}


def test_a_mail_server_that_fails_does_not_fail_the_alert(
    hub, peru, switzerland, django_capture_on_commit_callbacks
):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("SMTP down")

    with (
        mock.patch("comity.network.services.send_mail", refuse),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sent = _post(
            bearer(peru.officer),
            "/api/v1/alerts",
            {
                "to_authority": switzerland.authority.pk,
                "assets": [{"identifier_kind": "iban", "identifier": IBAN}],
                "reason": "Urgent.",
                "deadline": _deadline(),
            },
        )
    assert sent.status_code == 201 and Alert.objects.count() == 1
    assert Notification.objects.filter(user=switzerland.officer, kind="alert").exists()  # in the inbox still


def test_the_alert_lists_come_a_page_at_a_time(hub, peru, switzerland, settings, monkeypatch):
    settings.COMITY_PAGE_SIZE = 2
    monkeypatch.setattr("comity.network.views.PAGE_SIZE", 2)
    made = [_alert(peru, switzerland, reason=f"Urgent {n}.").pk for n in range(5)]
    client = bearer(switzerland.officer)
    seen, cursor = [], ""
    for _round in range(5):
        page = client.get(f"/api/v1/alerts?direction=received&cursor={cursor}").json()
        assert len(page["items"]) <= 2
        seen += [alert["id"] for alert in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert seen == made[::-1]  # newest first, each once
    assert client.get("/api/v1/alerts?cursor=nonsense").status_code == 422
    pages = _page(switzerland.officer)
    first, last = (
        pages.get("/network/alerts/?direction=received"),
        pages.get("/network/alerts/?direction=received&page=3"),
    )
    assert f"#{made[4]}<" in first.text and f"#{made[0]}<" not in first.text and "Page 1 of 3" in first.text
    assert f"#{made[0]}<" in last.text and "direction=received&amp;page=2" in last.text


@pytest.mark.parametrize(("spoken", "language"), [(["de", "fr"], "fr"), (["de"], "en"), ([], "en")])
def test_a_contact_outside_comity_is_emailed_in_a_language_it_speaks_not_the_senders(
    hub, peru, switzerland, settings, mailoutbox, django_capture_on_commit_callbacks, spoken, language
):
    """The escalation's mailbox gets the alert in its first language among Comity's six (#21),
    whatever language the sender's or the worker's request was in."""
    settings.COMITY_ALERT_ACK_HOURS = 2
    ContactPerson.objects.filter(mailbox="desk@bj.example").update(languages=spoken)
    with django_capture_on_commit_callbacks(execute=True):
        alert = _alert(peru, switzerland)
    mailoutbox.clear()
    with translation.override("es"), django_capture_on_commit_callbacks(execute=True):
        services.alerts_escalate(now=timezone.now() + datetime.timedelta(hours=3))
    [desk] = [m for m in mailoutbox if m.to == ["desk@bj.example"]]
    with translation.override(language):
        label = str(NotificationKind.ALERT.label)
    assert label in desk.subject and (label != "Urgent freezing alert") == (language != "en")
    assert desk.body.startswith(f"{label}: ") and desk.body.endswith(f"/network/alerts/{alert.pk}/\n")
