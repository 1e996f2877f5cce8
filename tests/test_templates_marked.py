"""Every user-visible string of every template is marked for translation (#21 item 6): the text
between tags and the attributes a reader sees (title, placeholder, aria-label, alt, a button's
value, a chart's title given to an include), once what is marked, code and markup are taken out."""

import re
from pathlib import Path

import comity

PACKAGE = Path(comity.__file__).parent
# Not words to translate: the product's name, file formats, standards' names.
NAMES = {"Comity", "· Comity", "(CSV)", "(XLSX)", "API", "ISO", "UNCAC", "CSV", "XLSX", "PDF", "USD", "JSON"}
ATTRIBUTE = re.compile(r'\b(title|placeholder|aria-label|alt|label)="([^"]*)"')
MARKED = [
    re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.S),
    re.compile(r"{#.*?#}", re.S),
    re.compile(r"{%\s*blocktrans(?:late)?\b.*?{%\s*endblocktrans(?:late)?\s*%}", re.S),
    re.compile(r"<(script|style|code|pre|kbd|samp)\b.*?</\1>", re.S | re.I),
]
TEMPLATE_CODE = re.compile(r"{%.*?%}|{{.*?}}", re.S)


def unmarked(html: str) -> list[str]:
    for pattern in MARKED:
        html = pattern.sub(" ", html)
    chunks = [TEMPLATE_CODE.sub(" ", value) for _, value in ATTRIBUTE.findall(html)]
    chunks.append(re.sub(r"<[^>]*>", " ", TEMPLATE_CODE.sub(" ", html)))
    found = []
    for chunk in chunks:
        for piece in re.split(r"\s{2,}|\n", chunk):
            piece = re.sub(r"&[a-z#0-9]+;", " ", piece).strip()
            if re.search(r"[A-Za-z]{2,}", piece) and piece not in NAMES:
                found.append(piece)
    return found


def test_every_visible_string_of_every_template_is_marked():
    templates = [p for p in PACKAGE.glob("**/templates/**/*.html") if "/admin/" not in str(p)]
    assert len(templates) > 40  # the walk found them
    found = {str(p.relative_to(PACKAGE)): unmarked(p.read_text(encoding="utf-8")) for p in templates}
    found = {path: strings for path, strings in found.items() if strings}
    assert not found, f"strings not marked for translation: {found}"


def test_the_check_finds_what_it_must():
    page = (
        '<h1>{% translate "Requests" %}</h1><p>Plain words</p><code>comity import</code>'
        '<a title="Open it">{% blocktranslate %}Marked {{ n }}{% endblocktranslate %}</a>'
        '{% include "x.html" with title="a chart" %}<button aria-label="{% translate \'Close\' %}">×</button>'
    )
    assert unmarked(page) == ["Open it", "a chart", "Plain words"]
