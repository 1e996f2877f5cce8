"""Directory codes as words in the reader's language: `{{ entry.competences|labels:"competence" }}`,
`{{ "de"|language_name }}`; and the finder's answers, a contact's facts and the stale badge, written
in Python.

The words of a vocabulary and Babel's locale are made once per language (Django's choices translate
every label, and Babel parses the locale, at each call). The finder's answers went through the
template engine with two included templates, a URL reversed and some fifteen labels translated per
authority, which cost most of the finder's page; as the consultation inbox's rows
(consultation_rows), each answer is now a few format strings, the words escaped once per page and
each value by the standard library's `html.escape`.
"""

from collections.abc import Iterable
from functools import cache, lru_cache
from html import escape

from babel import Locale
from babel.lists import format_list
from django import template
from django.db import models
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext as _

from comity.accounts.models import Authority
from comity.core.templatetags.display import labels as field_labels
from comity.network import languages
from comity.network.choices import Affiliation, Channel, Competence, DirectoryChangeKind
from comity.network.models import ContactPerson
from comity.network.selectors import Found
from comity.network.templatetags.consultation_rows import url_pattern
from comity.reference.countries import country_name

register = template.Library()

VOCABULARIES: dict[str, type[models.TextChoices]] = {
    "competence": Competence,
    "channel": Channel,
    "affiliation": Affiliation,
    "change": DirectoryChangeKind,
}


@cache
def _words(vocabulary: str, language: str | None) -> dict[str, str]:
    return {code: str(label) for code, label in VOCABULARIES[vocabulary].choices}


@cache
def _locale(language: str) -> Locale:
    return Locale.parse(to_locale(language))


@register.filter
def labels(codes: list[str] | str, vocabulary: str) -> list[str]:
    """The labels of a list of codes (or of one code), in order; an unknown code as it is."""
    names = _words(vocabulary, get_language())
    items = [codes] if isinstance(codes, str) else codes
    return [names.get(code, code) for code in items]


@register.filter
def label(code: str, vocabulary: str) -> str:
    return _words(vocabulary, get_language()).get(code, code)


@register.filter
def listed(items: Iterable[object]) -> str:
    """Items joined as the reader's language joins a list: "German, French, and English",
    "الألمانية والفرنسية والإنجليزية" (not a Latin comma in Arabic), "德语、法语和英语"."""
    words = tuple(str(item) for item in items)
    if not words:
        return ""
    return _listed(words, get_language() or "en")


@lru_cache(maxsize=4096)
def _listed(words: tuple[str, ...], language: str) -> str:
    """Babel's list of `words`, kept: the finder lists the same few codes' words for every answer."""
    return format_list(list(words), style="standard", locale=_locale(language))


@register.filter
def language_names(codes: list[str]) -> str:
    return listed(languages.language_name(code) for code in codes)


@register.filter
def stale_on(entry: object, today: object) -> bool:
    return bool(entry.stale_on(today))  # type: ignore[attr-defined]


@register.simple_tag
def stale_badge(stale: bool) -> str:
    """The badge of an entry not confirmed for 13 months (nothing for a confirmed one)."""
    if not stale:
        return ""
    title = escape(_("Not confirmed for 13 months: check with the authority before relying on it."))
    word = escape(_("Stale"))
    return mark_safe(f'<span class="badge overdue" title="{title}">{word}</span>')


@cache
def _contact_words(language: str | None) -> dict[str, str]:
    """The terms of a contact's facts, escaped, once per language (the finder shows a contact per answer)."""
    # Outside the f-strings: xgettext does not look inside them, and would never extract the words.
    return {
        name: escape(word)
        for name, word in (
            ("function", _("Function")),
            ("languages", _("Languages spoken")),
            ("phone", _("Phone")),
            ("email", _("E-mail")),
            ("mailbox", _("Functional mailbox")),
            ("time_zone", _("Time zone")),
            ("working_hours", _("Working hours")),
        )
    }


@register.simple_tag
def contact_facts(contact: ContactPerson) -> SafeString:
    """A contact person's function, languages, phone, addresses, time zone and working hours."""
    words = _contact_words(get_language())
    facts = []
    if contact.function:
        facts.append(f"<dt>{words['function']}</dt><dd><bdi>{escape(contact.function)}</bdi></dd>")
    if contact.languages:
        facts.append(f"<dt>{words['languages']}</dt><dd>{escape(language_names(contact.languages))}</dd>")
    if contact.phone:
        phone = escape(contact.phone)
        facts.append(f'<dt>{words["phone"]}</dt><dd><a href="tel:{phone}" dir="ltr">{phone}</a></dd>')
    for name in ("email", "mailbox"):
        if address := escape(getattr(contact, name)):
            facts.append(f'<dt>{words[name]}</dt><dd><a href="mailto:{address}" dir="ltr">{address}</a></dd>')
    facts.append(f'<dt>{words["time_zone"]}</dt><dd><bdi dir="ltr">{escape(contact.time_zone)}</bdi></dd>')
    if contact.working_hours:
        facts.append(f"<dt>{words['working_hours']}</dt><dd><bdi>{escape(contact.working_hours)}</bdi></dd>")
    # Every value above is escaped, or this module's own markup.
    return mark_safe('<dl class="facts">\n  ' + "\n  ".join(facts) + "\n</dl>")


@register.simple_tag
def finder_results(
    results: list[Found] | None, requirements_url: str | None, consultable: set[int], measure: str
) -> SafeString:
    """The finder's answers, best first (nothing before a search; a sentence when none)."""
    if results is None:
        return mark_safe("")
    if not results:
        nobody = escape(_("No authority of this State is in the directory."))
        return mark_safe(f"<p>{nobody}</p>")
    entry_before, entry_after = url_pattern("network-entry")
    kinds = {code: escape(word) for code, word in field_labels(Authority, "kind").items()}
    best_word = escape(_("Best match"))
    best = f' <span class="badge">{best_word}</span>'
    terms = {
        name: escape(word)
        for name, word in (
            ("competences", _("Competences")),
            ("channels", _("Channels")),
            ("languages", _("Languages accepted for requests")),
            ("requirements", _("Requirements")),
            ("urgent_procedure", _("Urgent procedure")),
        )
    }
    encryption, signature, uncac, no_uncac, urgent_contact = (
        escape(word)
        for word in (
            _("Encryption required"),
            _("Electronic signature required"),
            _("UNCAC accepted as a legal basis"),
            _("UNCAC not accepted as a legal basis"),
            _("24/7 urgent contact"),
        )
    )
    no_contact_word = escape(_("No contact person listed."))
    no_contact = f"<p>{no_contact_word}</p>"
    consult_url, consult_word = (
        escape(reverse("consultation-create")),
        escape(_("Open a consultation with this authority")),
    )
    requirements = ""
    if requirements_url:
        words = _("This State's requirements for the measure") if measure else _("This State's requirements")
        requirements = f'<a href="{escape(requirements_url)}">{escape(words)}</a>'

    def answer(found: Found, first: bool) -> str:
        entry, contact, authority = found.entry, found.contact, found.entry.authority
        needs = (f'<span class="badge">{encryption}</span> ' if entry.encryption_required else "") + (
            f'<span class="badge">{signature}</span> ' if entry.signature_required else ""
        )
        needs += f'<span class="badge">{uncac if entry.uncac_accepted else no_uncac}</span>'
        facts = [
            f"<dt>{terms['competences']}</dt><dd>{escape(listed(labels(entry.competences, 'competence')) or '—')}</dd>",
            f"<dt>{terms['channels']}</dt><dd>{escape(listed(labels(entry.channels, 'channel')) or '—')}</dd>",
            f"<dt>{terms['languages']}</dt><dd>{escape(language_names(entry.languages) or '—')}</dd>",
            f"<dt>{terms['requirements']}</dt><dd>{needs}</dd>",
        ]
        if entry.urgent_procedure:
            procedure = escape(entry.urgent_procedure)
            facts.append(f"<dt>{terms['urgent_procedure']}</dt><dd><bdi>{procedure}</bdi></dd>")
        if contact is None:
            person = no_contact
        else:
            badge = f' <span class="badge urgent">{urgent_contact}</span>' if contact.urgent else ""
            person = (
                f"<p><strong><bdi>{escape(contact.name)}</bdi></strong>{badge}</p>\n{contact_facts(contact)}"
            )
        actions = []
        if entry.authority_id in consultable:
            actions.append(
                f'<a href="{consult_url}?participants={entry.authority_id}" role="button">{consult_word}</a>'
            )
        if requirements:
            actions.append(requirements)
        footer = '<footer class="actions-row">\n' + "\n".join(actions) + "\n</footer>" if actions else ""
        kind = kinds.get(authority.kind, escape(authority.kind))
        return (
            f'<article class="found{" best" if first else ""}">\n'
            f'<header><strong><a href="{entry_before}{entry.authority_id}{entry_after}">'
            f"<bdi>{escape(authority.name)}</bdi></a></strong> · {escape(country_name(authority.country))}"
            f" · {kind}{best if first else ''}"
            f"{' ' + stale_badge(True) if found.stale else ''}</header>\n"
            f'<div class="grid-2">\n<dl class="facts">\n{"".join(facts)}\n</dl>\n'
            f"<div>{person}</div>\n</div>\n{footer}</article>"
        )

    # Every value above is escaped, or a number or this module's own markup.
    return mark_safe("\n".join(answer(found, index == 0) for index, found in enumerate(results)))
