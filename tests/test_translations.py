"""The catalogues of the six UN languages (#21) are complete and sound: every message translated,
none fuzzy, every placeholder kept, every catalogue compiles with a header msgfmt accepts, and the
catalogues are in step with the strings the code marks. A translator checks one language with
`pytest tests/test_translations.py -k ar`."""

import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest

import comity

PACKAGE = Path(comity.__file__).parent
LANGUAGES = ["ar", "es", "fr", "ru", "zh_Hans"]
# %(name)s, %(n)d, %s, %d...: what Python's % formatting fills; "%%" is a literal percent sign.
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr]")


def catalogues(language: str) -> list[Path]:
    return sorted(PACKAGE.glob(f"**/locale/{language}/LC_MESSAGES/django.po"))


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text.replace("%%", "")))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_placeholder_is_kept(language):
    """A placeholder missing or renamed in a translation fails here, not in a page at run time.
    A plural form but the last (the general one) may leave out the number: Arabic says "two
    requests" in one word."""
    broken = []
    for path in catalogues(language):
        for entry in polib.pofile(str(path)):
            # A fuzzy entry is not compiled (msgfmt leaves it out): it is untranslated, not broken.
            if entry.obsolete or "fuzzy" in entry.flags:
                continue
            if entry.msgid_plural:
                wanted = placeholders(entry.msgid) | placeholders(entry.msgid_plural)
                forms = [entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural)]
                for position, form in enumerate(forms):
                    found = placeholders(form)
                    last = position == len(forms) - 1
                    if form and (not found <= wanted or (last and found != wanted)):
                        broken.append(f"{entry.msgid[:50]!r}: {sorted(found)} for {sorted(wanted)}")
            elif entry.msgstr and placeholders(entry.msgstr) != placeholders(entry.msgid):
                broken.append(f"{entry.msgid[:50]!r}: {sorted(placeholders(entry.msgstr))}")
    assert not broken, f"{language}: " + "; ".join(broken[:10])


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogues_compile(language, tmp_path):
    paths = catalogues(language)
    # One per app with strings and one for the project's templates: a language left out of
    # `make messages` shows here, not as English in its pages.
    assert len(paths) == len(catalogues("fr")) >= 10, f"{language}: {len(paths)} catalogues"
    for path in paths:
        done = subprocess.run(
            ["msgfmt", "--check-format", "--check-header", "-o", str(tmp_path / "django.mo"), str(path)],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, f"{path.relative_to(PACKAGE)}: {done.stderr[:500]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    """A feature is done only when its strings exist in the six languages: a string marked
    without its translations fails here (extract with `make messages`, then translate)."""
    missing = []
    for path in catalogues(language):
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            translated = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
            if "fuzzy" in entry.flags or not all(text.strip() for text in translated):
                missing.append(f"{path.relative_to(PACKAGE)}: {entry.msgid[:60]!r}")
    assert not missing, f"{language}: {len(missing)} untranslated or fuzzy, e.g. " + "; ".join(missing[:10])


def test_the_catalogues_hold_every_marked_string(tmp_path):
    """`make messages` was run after the last string was marked: every catalogue's English is what
    the code marks today (extracted again into a copy of the sources and compared)."""
    copy = tmp_path / "comity"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("tests", "__pycache__", "*.mo", "static"))
    root = PACKAGE.parent.parent
    done = subprocess.run(
        ["make", "-s", "messages", f"I18N_SRC={copy}"], cwd=root, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    stale = []
    for path in catalogues("fr"):
        extracted = copy / path.relative_to(PACKAGE)
        if _msgids(path) != _msgids(extracted):
            stale.append(str(path.relative_to(PACKAGE)))
    assert not stale, (
        "catalogues out of step with the code: run `make messages`, then translate: " + ", ".join(stale)
    )


def _msgids(path: Path) -> set[tuple[str, str]]:
    return {(e.msgid, e.msgid_plural) for e in polib.pofile(str(path)) if not e.obsolete}


def test_every_translation_function_goes_by_a_name_makemessages_extracts():
    """xgettext finds `_`, `gettext_lazy`, `pgettext`... by name: a string marked through an alias
    of one's own (`gettext_lazy as _lazy`) is never extracted, so never translated, and no other
    check sees it (the /statistics/network/ page's charts were English in every language)."""
    alias = re.compile(r"\b(n?p?gettext(?:_lazy|_noop)?|ngettext_lazy)\s+as\s+(\w+)")
    found = [
        f"{path.relative_to(PACKAGE)}: {function} as {name}"
        for path in PACKAGE.glob("**/*.py")
        for function, name in alias.findall(path.read_text(encoding="utf-8"))
        if name != "_"
    ]
    assert not found, "marked strings that makemessages cannot see: " + "; ".join(found)


def test_no_string_is_marked_inside_an_f_string():
    """xgettext does not read the expressions of an f-string: `f"<b>{_('new')}</b>"` is never
    extracted (the consultation inbox's "new" badge was English in every language)."""
    call = re.compile(r"""\bf["'].*\{[^{}]*\b(?:_|n?p?gettext(?:_lazy)?|ngettext_lazy)\(""")
    found = [
        f"{path.relative_to(PACKAGE)}:{number}"
        for path in PACKAGE.glob("**/*.py")
        if "/tests/" not in str(path)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if call.search(line)
    ]
    assert not found, "translation calls inside f-strings, never extracted: " + ", ".join(found)
