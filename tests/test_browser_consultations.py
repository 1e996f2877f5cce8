"""#22's first "Done when", in a real browser: two officers of different States find each other
through the finder, consult each other before a request, one converts the consultation into the
request, linked both ways, and they hold a coordination meeting about it."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from comity.cooperation.models import Request
from comity.network import services
from comity.network.models import Consultation, Meeting
from comity.network.tests.helpers import entry
from comity.network.tests.test_consultations_api import PDF, members

pytestmark = [pytest.mark.browser]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 800])
def test_two_officers_find_each_other_consult_convert_and_meet(
    live_server, page_as, peru, switzerland, nigeria, tmp_path, width
):
    members(peru, switzerland)
    services.contact_save(
        actor=None,
        entry=entry(switzerland),
        name="MLA desk",
        time_zone="Europe/Zurich",
        email="mla@ch.example",
    )
    entry(nigeria)  # in the directory, but not a member: found, not consulted
    lima = page_as("pe-officer", width=width)
    expect(lima.get_by_role("heading", name="Awaiting my action")).to_be_visible()  # logged in

    # Who do I ask in Switzerland for bank records?
    lima.goto(f"{live_server.url}/network/finder/")
    lima.get_by_label("State").select_option("CH")
    lima.get_by_label("Measure").select_option("bank-records")
    lima.get_by_role("button", name="Find").click()
    best = lima.locator("article.found.best")
    expect(best).to_contain_text("Federal Office of Justice")
    expect(best).to_contain_text("MLA desk")
    best.get_by_role("button", name="Open a consultation with this authority").click()
    expect(lima.get_by_label("Authorities to consult").locator("option")).to_have_count(1)  # members only
    expect(lima.get_by_label("Authorities to consult")).to_have_values([str(switzerland.authority.pk)])
    lima.get_by_label("Subject").fill("Accounts of a former minister in Zurich")
    lima.get_by_label("Handling (Traffic Light Protocol)").select_option("TLP:AMBER")
    lima.get_by_label("Summary of facts").fill(
        "Bribes for a road contract, paid through a Panamanian company."
    )
    lima.get_by_text("What the request would be").click()
    lima.get_by_label("Bribery of national public officials (art. 15)").check()
    lima.get_by_role("button", name="Open the consultation").click()
    expect(lima.locator("h1")).to_have_text("Accounts of a former minister in Zurich")
    expect(lima.locator(".tlp").first).to_have_text("TLP:AMBER")

    draft = tmp_path / "draft request.pdf"
    draft.write_bytes(PDF)
    lima.get_by_label("Message", exact=True).fill(
        "Could you freeze the accounts on a request for bank records?"
    )
    lima.get_by_label("Draft attachments").set_input_files(draft)
    lima.get_by_role("button", name="Send").click()
    expect(lima.get_by_text("Message sent.")).to_be_visible()
    expect(lima.get_by_text("Not yet read by the other participants")).to_be_visible()

    bern = page_as("ch-officer", width=width)
    expect(bern.get_by_role("heading", name="Awaiting my action")).to_be_visible()
    bern.goto(f"{live_server.url}/network/consultations/")
    row = bern.locator("tr.unread")
    expect(row).to_contain_text("Accounts of a former minister in Zurich")
    row.get_by_role("link").click()
    expect(bern.get_by_role("link", name="draft request.pdf")).to_be_visible()
    bern.get_by_label("Message", exact=True).fill("Yes, under UNCAC; name the accounts and the amounts.")
    bern.get_by_text("Note what the request would be").click()
    bern.locator("#post select[name=legal_basis]").select_option("uncac")
    bern.get_by_role("button", name="Send").click()
    expect(bern.get_by_text("Message sent.")).to_be_visible()

    lima.reload()
    expect(lima.locator("#thread")).to_contain_text("Read by Federal Office of Justice (ch-officer)")
    lima.get_by_role("button", name="Convert into a request").click()
    expect(lima.locator("select[name=legal_basis]")).to_have_value("uncac")  # what the thread agreed
    lima.locator("select[name=request_type]").select_option("mla")
    lima.locator("select[name=proceeding]").select_option("criminal")
    lima.get_by_role("button", name="Register the request").click()
    expect(lima.get_by_text("Request registered from the consultation.")).to_be_visible()
    request = Request.objects.get()
    consultation = Consultation.objects.get()
    assert consultation.request == request and request.requested_authority == switzerland.authority
    assert request.summary.startswith("Bribes for a road contract")
    lima.get_by_role("link", name=f"Consultation #{consultation.pk}").click()
    expect(lima.get_by_text("Converted into a request")).to_be_visible()

    # They hold a coordination meeting about the request.
    lima.get_by_role("button", name="Plan a coordination meeting").click()
    expect(lima.get_by_label("Authorities invited")).to_have_values([str(switzerland.authority.pk)])
    expect(lima.get_by_label("Consultations")).to_have_values([str(consultation.pk)])
    expect(lima.get_by_label("Cooperation requests")).to_have_values([str(request.pk)])
    lima.get_by_label("Title").fill("Coordination: the minister's accounts")
    day = timezone.now() + datetime.timedelta(days=7)
    lima.get_by_label("Starts at (UTC)").fill(day.strftime("%Y-%m-%dT14:00"))
    lima.get_by_role("button", name="Plan the meeting").click()
    expect(lima.get_by_text("Meeting planned.")).to_be_visible()
    expect(lima.locator("dl.facts")).to_contain_text(str(request))

    bern.goto(f"{live_server.url}/network/meetings/")
    bern.get_by_role("link", name="Coordination: the minister's accounts").click()
    expect(bern.locator("#local-times")).to_contain_text("Europe/Zurich")
    expect(bern.locator("dl.facts")).to_contain_text("Accounts of a former minister in Zurich")
    with bern.expect_download() as download:
        bern.get_by_role("button", name="Add to my calendar (.ics)").click()
    invitation = download.value.path().read_text()
    assert "BEGIN:VCALENDAR" in invitation and "Coordination: the minister's accounts" in invitation
    meeting = Meeting.objects.get()
    assert list(meeting.requests.all()) == [request] and list(meeting.consultations.all()) == [consultation]
