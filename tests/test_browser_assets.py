"""Asset recovery in a real browser: open a case, add an asset, freeze it, see a refusal, follow it up."""

import datetime

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser]


@pytest.mark.django_db(transaction=True)
def test_open_a_case_freeze_an_asset_and_follow_it_up(live_server, page_as, peru, switzerland):
    page = page_as("pe-officer")

    page.get_by_role("link", name="Asset recovery").click()
    page.get_by_role("button", name="Open a case").click()
    page.get_by_label("Title").fill("Regional government embezzlement")
    page.get_by_label("State of origin").select_option("PE")
    page.get_by_label("States of asset location").select_option(["CH"])
    page.get_by_label("Embezzlement by a public official (art. 17)").check()
    page.get_by_role("button", name="Open the case").click()
    expect(page.get_by_text("Case opened.")).to_be_visible()

    page.get_by_text("Add an asset").click()
    page.locator("#add-asset form select[name=type]").select_option("bank-account")
    page.locator("#add-asset form select[name=location_country]").select_option("CH")
    page.locator("#add-asset form input[name=description]").fill("Numbered account")
    page.locator("#add-asset form select[name=identifier_kind]").select_option("iban")
    page.locator("#add-asset form input[name=identifier]").fill("CH93 0076 2011 6238 5295 7")
    page.get_by_role("button", name="Add the asset").click()
    expect(page.get_by_text("Asset added.")).to_be_visible()
    expect(page.locator("code")).to_have_text("CH9300762011623852957")

    today = datetime.date.today()
    page.get_by_text("Record a step").click()
    form = page.locator("details.asset form.case-form").first
    form.locator("select[name=kind]").select_option("frozen")
    form.locator("input[name=on]").fill(today.isoformat())
    form.locator("input[name=amount]").fill("2500000")
    form.locator("input[name=currency]").fill("CHF")
    form.locator("input[name=review_on]").fill((today + datetime.timedelta(days=12)).isoformat())
    form.get_by_role("button", name="Record").click()
    expect(page.get_by_text("Step recorded.")).to_be_visible()
    expect(page.locator("table.steps")).to_contain_text("2,500,000.00 CHF")

    # A confiscation dated before the freezing is refused on its field, and nothing is written.
    page.get_by_text("Record a step").click()
    form = page.locator("details.asset form.case-form").first
    form.locator("select[name=kind]").select_option("confiscated")
    form.locator("input[name=on]").fill((today - datetime.timedelta(days=30)).isoformat())
    form.locator("input[name=amount]").fill("100")
    form.locator("input[name=currency]").fill("CHF")
    form.locator("select[name=proceeding]").select_option("criminal")
    form.get_by_role("button", name="Record").click()
    expect(page.get_by_text("A confiscation cannot precede the freezing")).to_be_visible()
    expect(page.locator("table.steps tbody tr")).to_have_count(1)

    page.goto(f"{live_server.url}/asset-cases/follow-up/")
    row = page.locator("#follow-up tbody tr").first
    expect(row).to_contain_text("Numbered account")
    expect(row).to_contain_text("expires or is reviewed in 12 days")
    expect(page.locator("g.frozen-here")).to_have_count(1)
