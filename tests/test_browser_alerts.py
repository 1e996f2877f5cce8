"""An urgent freezing alert in a real browser (#22, "Done when"): Peru alerts Switzerland's 24/7
contact, Switzerland acknowledges and freezes, and the freezing appears in Peru's asset case."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from comity.assets import services as asset_services
from comity.network import services
from comity.network.models import Alert

pytestmark = [pytest.mark.browser]


@pytest.mark.django_db(transaction=True)
def test_an_alert_goes_from_acknowledgement_to_a_frozen_asset_in_the_senders_case(
    live_server, page_as, peru, switzerland
):
    hub = services.network_create(actor=None, code="hub", name="Comity hub")
    for side in (peru, switzerland):
        membership = services.membership_request(actor=None, network=hub, authority=side.authority)
        services.membership_decide(actor=None, membership=membership, approve=True)
    case = asset_services.case_create(
        actor=peru.officer, title="Port concession bribes", origin_country="PE", offences=["uncac-15"]
    )

    sender = page_as("pe-officer")
    sender.goto(f"{live_server.url}/network/alerts/")
    sender.get_by_role("button", name="Send an alert").click()
    sender.get_by_label("Authority to alert").select_option(str(switzerland.authority.pk))
    sender.get_by_label("Your asset case").select_option(str(case.pk))
    deadline = (timezone.now() + datetime.timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M")
    sender.get_by_label("Deadline (UTC)").fill(deadline)
    sender.get_by_label("Reason").fill("The holder is moving the funds to a trust tonight.")
    sender.locator("select[name=identifier_kind_0]").select_option("iban")
    sender.locator("input[name=identifier_0]").fill("CH93 0076 2011 6238 5295 7")
    sender.locator("input[name=amount_0]").fill("2500000")
    sender.locator("input[name=currency_0]").fill("USD")
    sender.get_by_role("button", name="Send the alert").click()
    expect(sender.get_by_text("Alert sent.")).to_be_visible()
    expect(sender.locator("#status")).to_have_text("Sent")

    recipient = page_as("ch-officer")
    recipient.goto(f"{live_server.url}/network/alerts/?direction=received")
    # Ids are not reset between tests on PostgreSQL: the alert's is read, not assumed.
    recipient.get_by_role("link", name=f"#{Alert.objects.get().pk}").click()
    expect(recipient.locator("#alert-assets")).to_contain_text("CH9300762011623852957")
    recipient.get_by_role("button", name="Acknowledge").click()
    expect(recipient.get_by_text("Alert acknowledged.")).to_be_visible()
    recipient.locator("#outcome-form select[name=outcome]").select_option("frozen")
    recipient.locator("#outcome-form input[name=order_reference]").fill("MP-2026-114")
    recipient.get_by_role("button", name="Record the outcome").click()
    expect(recipient.get_by_text("Outcome recorded.")).to_be_visible()
    expect(recipient.locator("#status")).to_have_text("Frozen")

    sender.reload()
    expect(sender.locator("#alert-steps li")).to_have_count(3)
    expect(sender.locator("#alert-steps")).to_contain_text("Acknowledged")
    sender.get_by_role("link", name="Port concession bribes").click()
    expect(sender.locator("table.steps")).to_contain_text("2,500,000.00 USD")
    expect(sender.get_by_text("Frozen or seized").first).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_a_coordination_meeting_is_planned_minuted_and_added_to_a_calendar(
    live_server, page_as, peru, switzerland
):
    hub = services.network_create(actor=None, code="hub", name="Comity hub")
    for side in (peru, switzerland):
        membership = services.membership_request(actor=None, network=hub, authority=side.authority)
        services.membership_decide(actor=None, membership=membership, approve=True)
    page = page_as("pe-officer", width=800)
    page.goto(f"{live_server.url}/network/meetings/")
    page.get_by_role("button", name="Plan a meeting").click()
    page.get_by_label("Title").fill("Coordination on the port concession")
    start = (timezone.now() + datetime.timedelta(days=5)).replace(hour=14, minute=0)
    page.get_by_label("Starts at (UTC)").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Authorities invited").select_option([str(switzerland.authority.pk)])
    page.get_by_label("Agenda").fill("1. Bank records\n2. Freezing")
    page.get_by_role("button", name="Plan the meeting").click()
    expect(page.get_by_text("Meeting planned.")).to_be_visible()
    lima = (start - datetime.timedelta(hours=5)).strftime("%Y-%m-%d %H:%M")
    expect(page.locator("#local-times")).to_contain_text(f"{lima} (UTC-05:00)")

    guest = page_as("ch-officer")
    guest.goto(page.url)
    guest.get_by_text("Add an action item").click()
    guest.get_by_label("Action").fill("Send the bank records")
    guest.get_by_label("Owner").select_option(str(peru.officer.pk))
    guest.get_by_label("Due on").fill((start + datetime.timedelta(days=10)).date().isoformat())
    guest.get_by_role("button", name="Add", exact=True).click()
    expect(guest.get_by_text("Action item added.")).to_be_visible()
    with guest.expect_download() as download:
        guest.get_by_role("button", name="Add to my calendar (.ics)").click()
    assert "BEGIN:VEVENT" in Path(download.value.path()).read_text(encoding="utf-8")
