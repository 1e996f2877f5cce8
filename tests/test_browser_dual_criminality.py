"""The dual criminality assessment in a real browser (#23 item 4): a Peruvian officer goes from
Switzerland's profile to the assessment, asks for bank records about illicit enrichment (no such
offence in Switzerland, but the bribe behind it is one), reads the verdict labelled guidance, then
asks the same about a company for an abuse of functions and is told it needs attention; at 800 px
the page does not scroll sideways, and it reads right to left in Arabic."""

import pytest
from playwright.sync_api import expect

from comity.guidance.tests.helpers import store_swiss_offences

pytestmark = [pytest.mark.browser]


@pytest.mark.django_db(transaction=True)
def test_an_officer_assesses_dual_criminality_from_a_profile(live_server, page_as, peru, switzerland):
    store_swiss_offences(demonstration=True)

    page = page_as("pe-officer", width=800)
    page.goto(f"{live_server.url}/guidance/CH/")
    expect(page.locator("#national-offences")).to_contain_text("Sich bestechen lassen")
    page.get_by_role("button", name="Assess dual criminality").click()
    expect(page.get_by_label("Requested State")).to_have_value("CH")
    expect(page.get_by_label("Requesting State")).to_have_value("PE")
    page.get_by_label("Illicit enrichment (art. 20)").check()
    page.get_by_label("Bank records").check()
    page.get_by_label("A national public official soliciting or accepting an undue advantage").check()
    page.get_by_role("button", name="Assess").click()
    verdict = page.locator(".verdict")
    expect(verdict).to_have_class("verdict likely-satisfied")
    expect(verdict).to_contain_text("Guidance, not a legal opinion.")
    expect(page.locator("li[data-code=different-name]")).to_contain_text("Illicit enrichment")
    expect(page.locator("table.national-offences").first).to_contain_text("art. 322quater")
    assert page.evaluate("document.documentElement.scrollWidth") <= 800

    # The form keeps the case: change it to a company and an abuse of functions.
    page.get_by_label("Illicit enrichment (art. 20)").uncheck()
    page.get_by_label("Abuse of functions (art. 19)").check()
    page.get_by_label("A national public official soliciting or accepting an undue advantage").uncheck()
    page.get_by_label("A public official abusing their functions to obtain an undue advantage").check()
    page.get_by_label("A legal person (a company)").check()
    page.get_by_role("button", name="Assess").click()
    expect(page.locator(".verdict")).to_have_class("verdict needs-attention")
    expect(page.locator("li[data-code=legal-person-not-liable]")).to_be_visible()

    page.locator("select[name=language]").select_option("ar")
    page.wait_for_load_state("networkidle")
    page.reload()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator(".verdict")).to_have_class("verdict needs-attention")
