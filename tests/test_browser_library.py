"""The knowledge library in a real browser (#23 item 3): Switzerland's editor adds a guide with its
Word file, refused first for a file that is no document; a Peruvian officer, typing a word found
only inside that file, sees it appear (htmx, no submit), opens it and downloads the file; the
filters stand in a column beside the results, left to right and, in Arabic, right to left."""

import pytest
from playwright.sync_api import expect

from comity.guidance.tests.helpers import docx_with_text, grant_editor

pytestmark = [pytest.mark.browser]


@pytest.mark.django_db(transaction=True)
def test_an_editor_uploads_a_guide_and_an_officer_finds_it_by_a_word_inside(
    live_server, page_as, peru, switzerland, tmp_path
):
    grant_editor(switzerland.officer)
    wrong = tmp_path / "guide.pdf"
    wrong.write_bytes(b"MZ\x90\x00\x03" + b"\x00" * 64)
    right = tmp_path / "leitfaden.docx"
    right.write_bytes(docx_with_text("Editionsverfügung für Bankunterlagen"))

    editor = page_as("ch-officer")
    editor.goto(f"{live_server.url}/guidance/library/")
    editor.get_by_role("button", name="Add a document").click()
    editor.locator("input[name=title]").fill("Leitfaden Rechtshilfe")
    editor.locator("select[name=kind]").select_option("guide")
    editor.locator("input[name=language]").fill("de")
    editor.get_by_label("Bank records").check()
    editor.locator("input[name=file]").set_input_files(str(wrong))
    editor.get_by_role("button", name="Save").click()
    expect(editor.get_by_text("guide.pdf is not a file type accepted here")).to_be_visible()
    editor.locator("input[name=file]").set_input_files(str(right))
    editor.get_by_role("button", name="Save").click()
    expect(editor.get_by_text("Document added to the library.")).to_be_visible()
    expect(editor.get_by_role("link", name="leitfaden.docx")).to_be_visible()

    reader = page_as("pe-officer")
    reader.goto(f"{live_server.url}/guidance/library/?q=vollstreckung")
    expect(reader.get_by_text("No document matches.")).to_be_visible()
    reader.locator("input[name=q]").fill("")
    reader.locator("input[name=q]").press_sequentially("editionsverf")
    result = reader.locator("#results").get_by_role("link", name="Leitfaden Rechtshilfe")
    expect(result).to_be_visible()
    assert "q=editionsverf" in reader.url  # the search's address can be shared
    filters, results = (
        reader.locator("form.filters").bounding_box(),
        reader.locator("#results").bounding_box(),
    )
    assert filters and results and filters["x"] + filters["width"] <= results["x"]
    searches = []
    reader.on("request", lambda r: "/guidance/library/?" in r.url and searches.append(r.url))
    result.click()  # leaving the search box must not search again: that search raced the click
    expect(reader.get_by_role("heading", name="Leitfaden Rechtshilfe")).to_be_visible()
    assert searches == []
    with reader.expect_download() as download:
        reader.get_by_role("link", name="leitfaden.docx").click()
    assert download.value.suggested_filename == "leitfaden.docx"

    reader.locator("select[name=language]").select_option("ar")
    reader.wait_for_load_state("networkidle")
    reader.goto(f"{live_server.url}/guidance/library/?q=editionsverf")
    expect(reader.locator("html")).to_have_attribute("dir", "rtl")
    filters, results = (
        reader.locator("form.filters").bounding_box(),
        reader.locator("#results").bounding_box(),
    )
    assert filters and results and results["x"] + results["width"] <= filters["x"]
