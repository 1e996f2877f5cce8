"""Comity read in Arabic and in Chinese in a real browser (#21): an officer logs in, picks the
language with the switcher, and reads translated pages laid out in the language's direction, with
days and amounts written as the language writes them."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from comity.core.formats import format_amount, format_day
from comity.ledger import services
from comity.ledger.tests.test_services import AGREEMENT
from conftest import make_request

pytestmark = [pytest.mark.browser]

OWN_NAME = {"ar": "العربية", "zh-hans": "中文"}


def _in(language: str, text: str, value: object = None) -> str:
    with translation.override(language):
        return format_amount(value, text) if value is not None else translation.gettext(text)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("zh-hans", "ltr")])
def test_an_officer_reads_comity_in_arabic_and_in_chinese(
    page_as, live_server, peru, switzerland, language, direction
):
    request = make_request(peru, switzerland)
    services.ensure_key()
    agreement = services.agreement_record(actor=peru.officer, data=AGREEMENT)
    heading = _in(language, "Awaiting my action")
    assert heading != "Awaiting my action", f"no {language} translation of the home page's heading"

    page = page_as("pe-officer")
    page.get_by_label("Language").select_option(language)
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert page.evaluate("getComputedStyle(document.body).direction") == direction
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.locator(f"select[name=language] option[value='{language}']")).to_have_text(OWN_NAME[language])
    if direction == "rtl":
        # The navigation starts on the right: the first link lies right of the last.
        links = page.locator("header nav a")
        first, last = links.first.bounding_box(), links.last.bounding_box()
        assert first and last and first["x"] > last["x"]

    # A request's days, as the language writes them; its reference stays as it is.
    page.goto(f"{live_server.url}/requests/{request.pk}/")
    with translation.override(language):
        sent = format_day(request.sent_on)
    assert sent != request.sent_on.isoformat()
    expect(page.locator("dd", has_text=sent).first).to_be_visible()
    expect(page.get_by_text(request.requesting_reference).first).to_be_visible()

    # An amount, grouped and separated as the language writes it, its currency code beside it.
    page.goto(f"{live_server.url}/ledger/agreements/{agreement.pk}/")
    amount = _in(language, AGREEMENT["currency"], AGREEMENT["amount"])
    assert amount == "26,000,000.00 USD"  # grouped, two decimals, the code beside it (CLDR's ar and zh)
    expect(page.locator("dd strong").first).to_have_text(amount)
    # the chosen language follows the officer: profile, not only this browser
    peru.officer.refresh_from_db()
    assert peru.officer.language == language
