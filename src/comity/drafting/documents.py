"""The letter of a draft request (#23 item 6): one content (`letter`), written as an editable Word
document (python-docx) and as a PDF (WeasyPrint), in a language the requested State accepts. A
draft the check finds incomplete is marked as such at the head of the letter, with what is
missing; the letter ends with a checklist annex of the documents enclosed.

The labels are written in the letter's language where Comity has it (the six UN languages), else
in English; what the official wrote stays as written."""

import io
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from comity.accounts.models import User
from comity.core.errors import FieldErrors
from comity.core.formats import format_day
from comity.drafting.check import Check
from comity.drafting.choices import DraftType
from comity.drafting.models import Draft
from comity.drafting.selectors import draft_check, files_of, profile_document
from comity.guidance.choices import ConductElement
from comity.guidance.languages import is_language
from comity.reference.choices import LegalBasis, Measure, Offence, Proceeding
from comity.reference.countries import country_name

COMITY_LANGUAGES = {code for code, _name in settings.LANGUAGES}


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class Letter:
    language: str
    direction: str
    title: str
    sender: str
    addressee: str
    date: str
    incomplete: list[str]
    incomplete_title: str
    sections: list[Section]
    annex_title: str
    annex: list[str]
    demonstration_notice: str


def default_language(profile: dict[str, Any] | None) -> str:
    """The first language the requested State accepts, else English."""
    accepted = ((profile or {}).get("general", {}).get("languages") or {}).get("value") or []
    return accepted[0] if accepted else "en"


def _label(choices: Any, code: str) -> str:
    try:
        return str(choices(code).label)
    except ValueError:
        return code


def letter(user: User, draft: Draft, language: str) -> Letter:
    profile = profile_document(draft.requested_country)
    ui_language = language if language in COMITY_LANGUAGES else "en"
    with translation.override(ui_language):
        return _letter(draft, language, profile, draft_check(user, draft))


def _letter(draft: Draft, language: str, profile: dict[str, Any] | None, result: Check) -> Letter:
    requested = draft.requested_authority.name if draft.requested_authority else ""
    country = country_name(draft.requested_country) if draft.requested_country else ""
    element_labels = {
        (measure, element["code"]): element["label"]
        for measure, section in ((profile or {}).get("measures") or {}).items()
        for element in section.get("elements", [])
    }
    sections = [
        Section(_("Legal basis"), [_label(LegalBasis, draft.legal_basis)] if draft.legal_basis else []),
        Section(_("Proceeding"), [_label(Proceeding, draft.proceeding)]),
        Section(_("Summary of the facts"), [p for p in draft.facts.splitlines() if p.strip()]),
        Section(_("Offences"), [_label(Offence, code) for code in draft.offences]),
        Section(_("Conduct"), [_label(ConductElement, code) for code in draft.conduct]),
        Section(_("Applicable law and penalties"), [p for p in draft.law.splitlines() if p.strip()]),
    ]
    measures = Section(_("Assistance requested"))
    for measure in draft.measures:
        measures.paragraphs.append(_label(Measure, measure))
        for code, text in (draft.elements.get(measure) or {}).items():
            if text:
                measures.paragraphs.append(f"    {element_labels.get((measure, code), code)}: {text}")
    sections.append(measures)
    sections.append(
        Section(
            _("Persons and companies concerned"),
            [
                " — ".join(
                    part for part in (p["name"], p.get("identifiers", ""), p.get("country", "")) if part
                )
                for p in draft.persons
            ],
        )
    )
    handling = []
    if draft.confidential:
        handling.append(_("Confidential: %(note)s") % {"note": draft.confidentiality_note or "—"})
    if draft.urgent:
        handling.append(_("Urgent: %(reason)s") % {"reason": draft.urgency_reason or "—"})
    if draft.deadline:
        handling.append(_("Please answer by %(day)s.") % {"day": format_day(draft.deadline)})
    sections.append(Section(_("Confidentiality, urgency and deadlines"), handling))
    sections.append(Section(_("Contact person"), [draft.contact] if draft.contact else []))
    return Letter(
        language=language,
        direction="rtl" if translation.get_language_bidi() else "ltr",
        title=_label(DraftType, draft.type),
        sender=draft.authority.name + f" ({country_name(draft.authority.country)})",
        addressee=(f"{requested} ({country})" if requested else country) or "—",
        date=format_day(timezone.localdate()),
        incomplete=[item.reason for item in result.items if item.severity == "blocking"],
        incomplete_title=_(
            "INCOMPLETE DRAFT: the requested State will not execute it without the following."
        ),
        sections=[section for section in sections if section.paragraphs],
        annex_title=_("Annex: checklist of the documents enclosed"),
        annex=list(draft.attachments) + [f.annex_line for f in files_of(draft)],
        demonstration_notice=_("The requirements checked are demonstration data, not legal guidance.")
        if profile and profile.get("demonstration")
        else "",
    )


def direction_of(text: str, default: str) -> str:
    """The direction of a paragraph by its first strong character (Unicode's rule P2): what an
    official typed in English stays left to right in an Arabic letter, and the reverse. Neither
    WeasyPrint nor Word reads `dir="auto"`, so the letter says it for each paragraph."""
    for character in text:
        kind = unicodedata.bidirectional(character)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return default


def _docx_paragraph(document: Any, text: str, default: str, style: str | None = None) -> Any:
    """A Word paragraph laid out in its text's direction: right to left is `w:bidi` on the paragraph
    and `w:rtl` on its runs (Word aligns such a paragraph to the right and orders it as Arabic)."""
    from docx.oxml import OxmlElement

    paragraph = document.add_paragraph(text, style=style)
    if direction_of(text, default) == "rtl":
        paragraph._p.get_or_add_pPr().append(OxmlElement("w:bidi"))
        for run in paragraph.runs:
            run._r.get_or_add_rPr().append(OxmlElement("w:rtl"))
    return paragraph


def docx_bytes(content: Letter) -> bytes:
    from docx import Document
    from docx.shared import RGBColor

    document = Document()
    document.core_properties.title = content.title
    document.core_properties.language = content.language
    if content.incomplete:
        warning = document.add_paragraph()
        run = warning.add_run(content.incomplete_title)
        run.bold = True
        run.font.color.rgb = RGBColor(0xB0, 0x00, 0x20)
        for reason in content.incomplete:
            _docx_paragraph(document, reason, content.direction, "List Bullet")
    for line in (content.sender, content.addressee, content.date):
        _docx_paragraph(document, line, content.direction)
    _docx_paragraph(document, content.title, content.direction, "Heading 1")
    for section in content.sections:
        _docx_paragraph(document, section.title, content.direction, "Heading 2")
        for paragraph in section.paragraphs:
            _docx_paragraph(document, paragraph, content.direction)
    if content.demonstration_notice:
        _docx_paragraph(document, content.demonstration_notice, content.direction)
    document.add_page_break()
    _docx_paragraph(document, content.annex_title, content.direction, "Heading 2")
    for title in content.annex or ["—"]:
        _docx_paragraph(document, f"☐ {title}", content.direction)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # The letter holds what officials typed: it fetches nothing, whatever it says.
    raise ValueError(f"not fetched: {url[:40]}")


def pdf_bytes(content: Letter) -> bytes:
    from weasyprint import HTML

    return HTML(string=letter_html(content), url_fetcher=_no_fetching).write_pdf()


def letter_html(content: Letter) -> str:
    """The letter as the HTML WeasyPrint renders, each paragraph with its own direction."""
    paragraphs = [
        {
            "title": section.title,
            "paragraphs": [(p, direction_of(p, content.direction)) for p in section.paragraphs],
        }
        for section in content.sections
    ]
    return render_to_string(
        "drafting/letter.html",
        {
            "letter": content,
            "sections": paragraphs,
            "incomplete": [(r, direction_of(r, content.direction)) for r in content.incomplete],
            "annex": [(t, direction_of(t, content.direction)) for t in content.annex],
            "sender": direction_of(content.sender, content.direction),
            "addressee": direction_of(content.addressee, content.direction),
        },
    )


FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def parse_query(written_format: str, language: str) -> tuple[str, str]:
    """The format and language asked (422 naming each that is not known)."""
    errors = FieldErrors()
    errors.code("format", written_format, list(FORMATS))
    language = language.strip().lower()
    if language and not is_language(language):
        errors.add(
            "language",
            _("Unknown language code “%(code)s”: use ISO 639-1 (de, en, es, pt...) or zh-hans.")
            % {"code": language[:20]},
        )
    errors.raise_if_any()
    return written_format, language


def response(user: User, draft: Draft, written_format: str, language: str) -> HttpResponse:
    """The letter as a download, named by the draft's number (never by what it says)."""
    content = letter(user, draft, language or default_language(profile_document(draft.requested_country)))
    body = docx_bytes(content) if written_format == "docx" else pdf_bytes(content)
    answer = HttpResponse(body, content_type=FORMATS[written_format])
    answer["Content-Disposition"] = (
        f'attachment; filename="comity-draft-{draft.pk}-{content.language}.{written_format}"'
    )
    return answer
