"""A page's title block holds words, never markup: a section pasted into one (the requirement
profile's library, once) shows as raw HTML in the browser's tab and its history."""

import re
from pathlib import Path

import pytest

from comity.guidance.tests.helpers import document, logged_in, stored

TEMPLATES = sorted((Path(__file__).resolve().parent.parent / "src" / "comity").rglob("templates/**/*.html"))
TITLE = re.compile(r"{% block title %}(.*?){% endblock %}", re.S)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path).split("/comity/", 1)[-1])
def test_a_title_block_holds_no_markup(template: Path) -> None:
    for title in TITLE.findall(template.read_text(encoding="utf-8")):
        assert "<" not in title.replace("{%", "").replace("%}", ""), title[:200]


def test_the_requirement_profile_page_is_titled_by_its_state(peru) -> None:
    stored(document("CH"))
    page = logged_in(peru.officer).get("/guidance/CH/").content.decode()
    assert (
        re.search(r"<title>(.*?)</title>", page, re.S).group(1).strip()
        == "Requirements of Switzerland · Comity"
    )
