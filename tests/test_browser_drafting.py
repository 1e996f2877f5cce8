"""Guided drafting in a real browser (#23, the first 'Done when'): a Peruvian officer drafts an MLA
request for bank records to Switzerland (a demo State's profile), sees the missing elements named,
completes them, downloads the Word letter (python-docx opens it: the facts and the measures are in
it) and the PDF (pdftoppm renders it), and registers the request."""

import io
import shutil
import subprocess

import pytest
from docx import Document
from playwright.sync_api import expect

from comity.guidance.demo import create_profiles

pytestmark = [pytest.mark.browser]

FACTS = "Bribes paid in 2019 to a Lima official were laundered through accounts in Geneva."


@pytest.mark.django_db(transaction=True)
def test_an_officer_drafts_completes_downloads_and_registers(
    live_server, page_as, peru, switzerland, tmp_path
):
    create_profiles()
    page = page_as("pe-officer")
    page.goto(f"{live_server.url}/drafts/")
    page.get_by_label("Type of request").select_option("mla")
    page.get_by_label("Requested State").select_option("CH")
    page.get_by_role("button", name="Start drafting").click()

    expect(page.locator("[aria-current=step]")).to_have_text("Addressee and legal basis")
    expect(page.locator(".check-items [data-field=legal_basis]")).to_be_visible()
    page.get_by_label("Legal basis").select_option("uncac")
    page.get_by_label("Language of the request").fill("de")
    page.get_by_role("button", name="Save and continue").click()

    expect(page.locator("[aria-current=step]")).to_have_text("Facts and offences")
    page.get_by_label("Summary of the facts").fill(FACTS)
    page.get_by_label("Laundering of proceeds of crime (art. 23)").check()
    page.locator("input[name=conduct][value=laundering-convert]").check()
    page.get_by_label("Applicable law and penalties").fill("Legislative Decree 1106, art. 1: 8 to 15 years.")
    page.get_by_role("button", name="Save and continue").click()

    expect(page.locator("[aria-current=step]")).to_have_text("Measures")
    page.get_by_label("Bank records").check()
    page.get_by_role("button", name="Save and check").click()
    missing = page.locator(".check-items li.blocking")
    expect(missing.filter(has_text="The bank or financial institution")).to_be_visible()
    expect(missing.filter(has_text="The period the records cover")).to_be_visible()
    page.get_by_label("The bank or financial institution").fill("Banque Exemple SA, Geneva")
    page.get_by_label("The account number or the holder's full name and date of birth").fill(
        "CH93 0076 2011 6238 5295 7"
    )
    page.get_by_label("The period the records cover").fill("1 January 2019 to 31 December 2022")
    page.get_by_label("The link between the account and the offence").fill("The bribes were paid into it.")
    page.get_by_role("button", name="Save and check").click()
    expect(page.locator(".check-items li.blocking")).to_have_count(0)
    page.get_by_role("button", name="Save and continue").click()

    expect(page.locator("[aria-current=step]")).to_have_text("Persons and companies")
    page.locator("input[name=name_0]").fill("Alberto Quispe")
    page.locator("input[name=identifiers_0]").fill("born 1961-04-02")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Contact person").fill("María Rojas, +51 1 625 5555")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Documents enclosed").fill("Order of the investigating judge of 3 March 2026")
    page.get_by_role("button", name="Save and review").click()

    expect(page.get_by_text("Complete: nothing blocks this request.")).to_be_visible()
    page.screenshot(path=str(tmp_path / "review.png"), full_page=True)
    with page.expect_download() as word:
        page.get_by_role("button", name="Word (DOCX)").click()
    text = "\n".join(p.text for p in Document(io.BytesIO(word.value.path().read_bytes())).paragraphs)
    assert FACTS in text and "Bank records" in text and "Banque Exemple SA, Geneva" in text
    assert "INCOMPLETE" not in text
    with page.expect_download() as pdf:
        page.get_by_role("button", name="PDF").click()
    assert pdf.value.path().read_bytes()[:5] == b"%PDF-"
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "50", pdf.value.path(), str(tmp_path / "letter")], check=True
        )
        assert (tmp_path / "letter-1.png").stat().st_size > 0

    page.get_by_role("button", name="Register as sent").click()
    expect(page.get_by_text("The draft is registered as a request sent.")).to_be_visible()
    expect(page.get_by_text(switzerland.authority.name).first).to_be_visible()
