"""Key flows in a real browser: Debian's chromium driven by Playwright against a live server."""

import io
import re
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Browser, expect

from comity.cooperation.models import Request
from comity.ledger import services
from comity.ledger.models import LedgerEntry
from comity.ledger.tests.test_services import AGREEMENT, PAYMENT
from conftest import make_request

pytestmark = [pytest.mark.browser]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 800])
def test_register_receive_execute_and_find_a_request(page_as, peru, switzerland, width):
    make_request(peru, switzerland, requesting_reference="PE-OTHER-1")  # must be filtered out below
    page = page_as("pe-officer", width=width)
    expect(page.get_by_role("heading", name="Awaiting my action")).to_be_visible()

    page.get_by_role("link", name="New request").click()
    page.get_by_label("We request (outgoing)").check()
    page.get_by_label("Counterpart authority").select_option(label=str(switzerland.authority))
    page.get_by_label("Type").select_option("mla")
    page.get_by_label("Legal basis").select_option("bilateral-treaty")
    page.get_by_label("Laundering of proceeds of crime (art. 23)").check()
    page.get_by_label("Freezing").check()
    page.get_by_label("Requesting authority's reference").fill("PE-BROWSER-1")
    page.get_by_label("Summary of facts").fill("Public funds diverted to a Swiss account.")
    page.get_by_label("Sent on").fill("2026-02-02")
    page.locator("input[name='subjects-0-name']").fill("Andes Holdings Ltd")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("Request registered.")).to_be_visible()
    expect(page.locator("#status")).to_have_text("Sent")

    # The requesting side records what the counterpart reported, through the htmx event form.
    for kind, day in (
        ("received", "2026-02-09"),
        ("execution-started", "2026-02-20"),
        ("executed", "2026-05-04"),
    ):
        page.get_by_text("Record an event").click()
        page.get_by_label("Event", exact=True).select_option(kind)
        page.get_by_label("Date", exact=True).fill(day)
        page.get_by_role("button", name="Record", exact=True).click()
        expect(page.locator("ol.timeline li").last).to_contain_text(day)
        expect(page.get_by_role("status")).to_have_text("Event recorded.")
        if kind == "received":
            # The facts beside the timeline change with it, without a reload.
            expect(page.locator("dt:text-is('Received') + dd")).to_have_text(day)
            expect(page.locator("dt:text-is('Target date') + dd")).to_contain_text("2026-06-09")
    expect(page.locator("#status")).to_have_text("Executed")
    expect(page.locator("dt:text-is('Closed') + dd")).to_have_text("2026-05-04")
    if width == 1280:
        page.screenshot(path="/tmp/comity-event-recorded.png", full_page=True)

    # A closed request offers only a note or a correction (an officer cannot reopen it), and a
    # date in the future is refused with its reason.
    page.get_by_text("Record an event").click()
    expect(page.get_by_label("Event", exact=True).locator("option")).to_have_text(["Note", "Date corrected"])
    page.get_by_label("Date", exact=True).fill("2999-05-05")
    page.get_by_role("button", name="Record", exact=True).click()
    expect(page.get_by_text("The date 2999-05-05 is in the future.")).to_be_visible()
    expect(page.get_by_role("status")).to_have_count(0)

    page.get_by_role("link", name="Requests").first.click()
    expect(page.locator("#results")).to_contain_text("PE-OTHER-1")
    page.get_by_label("Status").select_option("executed")
    expect(page).to_have_url(re.compile(r"status=executed"))
    page.get_by_label("Offence").select_option("uncac-23")
    expect(page).to_have_url(re.compile(r"offence=uncac-23"))
    expect(page.locator("#results")).to_contain_text("PE-BROWSER-1")
    expect(page.locator("#results")).not_to_contain_text("PE-OTHER-1")
    page.get_by_label("Status").select_option("refused")
    expect(page.locator("#results")).to_contain_text("No request matches these filters.")

    request = Request.objects.get(requesting_reference="PE-BROWSER-1")
    assert (request.status, str(request.received_on), str(request.closed_on)) == (
        "executed",
        "2026-02-09",
        "2026-05-04",
    )


@pytest.mark.django_db(transaction=True)
def test_a_request_submitted_again_after_the_back_button_is_registered_once(page_as, peru, switzerland):
    page = page_as("pe-officer")
    page.get_by_role("link", name="New request").click()
    page.get_by_label("Counterpart authority").select_option(label=str(switzerland.authority))
    page.get_by_label("Bribery of national public officials (art. 15)").check()
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("Request registered.")).to_be_visible()
    page.go_back()
    expect(page.get_by_label("Counterpart authority")).to_be_visible()
    page.get_by_role("button", name="Register").click()
    expect(
        page.get_by_text("This form was already submitted: here is the request it registered.")
    ).to_be_visible()
    assert Request.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_arabic_reference_keeps_its_order_beside_latin_text(page_as, live_server, peru, switzerland):
    reference = "PE-٠٠١-2026-عربي"
    request = make_request(peru, switzerland, requesting_reference=reference, summary="أموال مختلسة في جنيف")
    page = page_as("pe-officer")
    page.goto(f"{live_server.url}/requests/{request.pk}/")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(reference)
    # Each piece of user text is its own bidirectional run (unicode-bidi: isolate), so the
    # right-to-left letters do not pull the Latin type, digits and dashes around them.
    isolated = page.locator(f"bdi:text-is('{reference}')")
    expect(isolated).to_have_count(2)
    assert isolated.first.evaluate("e => getComputedStyle(e).unicodeBidi") == "isolate"
    assert page.locator("p[dir=auto]").first.evaluate("e => getComputedStyle(e).direction") == "rtl"
    page.screenshot(path="/tmp/comity-arabic-reference.png")
    page.goto(f"{live_server.url}/requests/")
    assert (
        page.locator(f"bdi:text-is('{reference}')").evaluate("e => getComputedStyle(e).unicodeBidi")
        == "isolate"
    )


@pytest.mark.django_db(transaction=True)
def test_export_the_list_as_filtered_in_the_page(live_server, page_as, peru, switzerland, tmp_path, settings):
    """The exports follow filters chosen after the page loaded (htmx replaces the results only),
    and a workbook is made in the background, then downloaded from its job's page."""
    settings.VAR_DIR = tmp_path
    make_request(peru, switzerland, requesting_reference="PE-EXTRADITION", type="extradition")
    make_request(peru, switzerland, requesting_reference="PE-MLA", type="mla")
    page = page_as("pe-officer")
    page.goto(f"{live_server.url}/requests/")
    page.get_by_label("Type").select_option("extradition")
    expect(page.locator("#results")).not_to_contain_text("PE-MLA")

    with page.expect_download() as csv_download:
        page.get_by_role("link", name="CSV").click()
    lines = Path(csv_download.value.path()).read_text(encoding="utf-8").splitlines()
    assert [line.split(",")[0] for line in lines] == ["reference", "PE-EXTRADITION"]

    page.get_by_role("button", name="XLSX").click()
    expect(page.get_by_role("heading", name="Export of the request list (XLSX)")).to_be_visible()
    with page.expect_download() as xlsx_download:
        page.get_by_role("button", name="Download the workbook (1 request)").click()
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes())).worksheets[0]
    assert [row[0] for row in sheet.iter_rows(values_only=True)] == ["reference", "PE-EXTRADITION"]
    page.reload()
    expect(page.get_by_text("Downloaded. The file is no longer on the server")).to_be_visible()

    # Typing searches as one types; leaving the box for a result opens it with no second search
    # (a search on the box's change raced the click and could swallow its navigation).
    page.goto(f"{live_server.url}/requests/")
    page.locator("input[name=q]").press_sequentially("PE-EXTRA")
    expect(page.locator("#results")).not_to_contain_text("PE-MLA")
    expect(page).to_have_url(re.compile(r"q=PE-EXTRA"))
    searches = []
    page.on("request", lambda r: "/requests/?" in r.url and searches.append(r.url))
    page.locator("#results").get_by_role("link", name="PE-EXTRADITION").click()
    expect(page.get_by_role("heading", name=re.compile("PE-EXTRADITION"))).to_be_visible()
    assert searches == []


@pytest.mark.django_db(transaction=True)
def test_anyone_verifies_a_return_agreement_in_the_browser(live_server, browser: Browser, peru):
    key, _created = services.ensure_key()
    agreement = services.agreement_record(actor=peru.officer, data=AGREEMENT)
    for n in range(6):
        services.disbursement_record(
            actor=peru.officer, agreement_index=agreement.pk, data=PAYMENT | {"amount": f"{n + 1}000"}
        )
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/ledger/")
    page.get_by_role("link", name=AGREEMENT["title"]).click()
    expect(page.locator("#verifier-key")).to_have_text(key.verifier_key)
    page.get_by_role("button", name="Verify in your browser").click()
    expect(page.locator("#verify-status")).to_have_text(
        "7 / 7 entries verified against the signed tree head of size 7."
    )
    expect(page.locator("td.check.verified")).to_have_count(7)

    # A tampered entry on the server is caught by the same button.
    entry = LedgerEntry.objects.get(pk=2)
    LedgerEntry.objects.filter(pk=2).update(leaf_input=bytes(entry.leaf_input).replace(b'"2000"', b'"9000"'))
    page.reload()
    page.get_by_role("button", name="Verify in your browser").click()
    expect(page.locator("#verify-status")).to_contain_text("6 / 7 entries verified")
    expect(page.locator("tr[data-leaf='2'] td.check")).to_contain_text("does not lead to the signed root")
    page.close()


@pytest.mark.django_db(transaction=True)
def test_the_top_bar_fits_a_narrow_window(page_as, live_server, peru):
    """An authority's long name and the menu pushed every page to about 1,130 px in an 800 px window."""
    peru.authority.name = (
        "Unidad de Cooperación Judicial Internacional y Extradiciones, Fiscalía de la Nación"
    )
    peru.authority.save()
    page = page_as("pe-officer", width=800)
    for path in ("/", "/requests/"):
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 800, path
