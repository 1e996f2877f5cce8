"""Requirement profiles in a real browser (#23 items 1, 2): Switzerland's editor makes the period
of bank records required, at 800 px, and a Peruvian officer comparing the two States sees that row
marked no more, then reads the comparison right to left in Arabic."""

import pytest
from playwright.sync_api import expect

from comity.guidance.tests.helpers import document, grant_editor, peru_document, stored

pytestmark = [pytest.mark.browser]


@pytest.mark.django_db(transaction=True)
def test_an_editor_changes_an_element_and_the_comparison_follows(live_server, page_as, peru, switzerland):
    stored(document("CH", demonstration=True))
    stored(peru_document())
    grant_editor(switzerland.officer)
    compare = "/guidance/compare/?countries=CH&countries=PE&measure=bank-records"

    reader = page_as("pe-officer")
    reader.goto(f"{live_server.url}{compare}")
    period = reader.locator("table.comparison tr", has_text="The period")
    expect(period).to_have_class("differs")
    expect(reader.get_by_text("Demonstration data, not legal guidance.")).to_be_visible()

    editor = page_as("ch-officer", width=800)
    editor.goto(f"{live_server.url}/guidance/CH/?measure=bank-records")
    editor.get_by_role("link", name="Edit this section").click()
    editor.locator("select[name=elements-1-level]").select_option("required")
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(editor.get_by_text("Section saved.")).to_be_visible()
    assert editor.evaluate("document.documentElement.scrollWidth") <= 800

    reader.reload()
    expect(reader.locator("table.comparison tr", has_text="The period")).not_to_have_class("differs")
    reader.locator("select[name=language]").select_option("ar")
    reader.wait_for_load_state("networkidle")
    reader.goto(f"{live_server.url}{compare}")
    expect(reader.locator("html")).to_have_attribute("dir", "rtl")
    expect(reader.locator("table.comparison")).to_be_visible()
