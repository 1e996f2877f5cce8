"""Reads of requirement profiles, scoped at the source: every official who reads cases reads every
State's profile (it is guidance, the same for all); to anyone else (an administrator, the
secretariat, the public) none exists. Editing is for the editors of the State's own authorities."""

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import BooleanField, F, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils.translation import ngettext

from comity.accounts.models import User
from comity.core.errors import FieldErrors
from comity.guidance.assessment import Assessment, Case, NationalOffenceFact, assess
from comity.guidance.choices import DocumentKind, GeneralRequirement, SectionPart
from comity.guidance.fulltext import matching
from comity.guidance.languages import is_language, unknown_language
from comity.guidance.models import LibraryDocument, NationalOffence, Profile, ProfileVersion
from comity.guidance.schemas import OFFENCES_FORMAT
from comity.reference.choices import Measure

EDIT_PROFILE = "guidance.edit_profile"


def profiles_visible_to(user: User) -> "QuerySet[Profile]":
    if not user.is_authenticated or not user.reads_cases:
        return Profile.objects.none()
    return Profile.objects.all()


def profile_detail(user: User, country: str) -> Profile:
    """`country`'s profile, or 404 (no profile, or a user who reads none)."""
    found = profiles_visible_to(user).filter(country=country).first()
    if found is None:
        raise Http404
    return found


def edits_profile_of(user: User, country: str) -> bool:
    """Whether the user may change `country`'s profile: an editor (a permission an administrator
    grants) of an authority of that State."""
    return (
        user.is_authenticated
        and user.reads_cases
        and user.authority is not None
        and user.authority.country == country
        and user.has_perm(EDIT_PROFILE)
    )


def profile_for_edit(user: User, country: str) -> Profile | None:
    """`country`'s profile (None if it has none yet) for an editor of it; 404 for anyone else of
    another State (the service refuses one of the same State without the permission, saying why)."""
    if not user.reads_cases or user.authority is None or user.authority.country != country:
        raise Http404
    return Profile.objects.filter(country=country).first()


def profile_versions(user: User, country: str) -> "QuerySet[ProfileVersion]":
    """The profile's history, newest first (404 as `profile_detail`)."""
    profile = profile_detail(user, country)
    return profile.versions.select_related("changed_by", "changed_by__authority")


def flatten(document: Mapping[str, Any]) -> dict[str, Any]:
    """The document as its fields by path, each with its value, source and date: a general
    requirement (`general.languages`), a part of a measure's section (`measures.freezing.scope`),
    an element (`measures.freezing.elements.bank`), the order of a measure's elements. What a
    change and a comparison are made of."""
    flat: dict[str, Any] = {"demonstration": document.get("demonstration", False)}
    for key, field in document.get("general", {}).items():
        flat[f"general.{key}"] = field
    for measure, section in document.get("measures", {}).items():
        for part in SectionPart.values:
            if part in section:
                flat[f"measures.{measure}.{part}"] = section[part]
        for element in section.get("elements", []):
            flat[f"measures.{measure}.elements.{element['code']}"] = element
        flat[f"measures.{measure}.elements"] = [element["code"] for element in section.get("elements", [])]
    return flat


@dataclass(frozen=True)
class Compared:
    """One row of a comparison: a field, each State's entry (its value, source and date; None where
    the profile does not say), and whether the States' values differ."""

    path: str
    key: str
    label: str
    entries: dict[str, Any]

    @property
    def differs(self) -> bool:
        # A field's value, or an element's level (required, advised; None: not asked for).
        values = [
            (entry["value"] if "value" in entry else entry.get("level")) if entry else None
            for entry in self.entries.values()
        ]
        return any(value != values[0] for value in values[1:])

    @property
    def levels(self) -> dict[str, Any]:
        """An element's level in each State (None where it is not asked for)."""
        return {country: entry["level"] if entry else None for country, entry in self.entries.items()}


@dataclass(frozen=True)
class Comparison:
    profiles: list[Profile]
    measure: str | None
    general: list[Compared]
    section: list[Compared]
    elements: list[Compared]


def comparison(user: User, countries: Sequence[str], measure: str | None) -> Comparison:
    """The profiles of `countries` side by side (in that order): the general requirements, and, for
    `measure`, its three parts and every element any of them asks for (404 if one has no profile)."""
    found = {p.country: p for p in profiles_visible_to(user).filter(country__in=countries)}
    if len(found) != len(set(countries)):
        raise Http404
    profiles = [found[country] for country in countries]
    flats = {p.country: flatten(p.document) for p in profiles}

    def row(path: str, key: str, label: str) -> Compared:
        return Compared(path, key, label, {country: flat.get(path) for country, flat in flats.items()})

    general = [row(f"general.{key}", key, str(label)) for key, label in GeneralRequirement.choices]
    section: list[Compared] = []
    elements: list[Compared] = []
    if measure:
        section = [row(f"measures.{measure}.{key}", key, str(label)) for key, label in SectionPart.choices]
        labels: dict[str, str] = {}
        for profile in profiles:
            for element in profile.document.get("measures", {}).get(measure, {}).get("elements", []):
                labels.setdefault(element["code"], element["label"])
        elements = [
            Compared(path, code, label, {country: flat.get(path) for country, flat in flats.items()})
            for code, label in labels.items()
            for path in [f"measures.{measure}.elements.{code}"]
        ]
    return Comparison(profiles, measure, general, section, elements)


def national_offences_of(user: User, country: str) -> "QuerySet[NationalOffence]":
    """`country`'s national offences in their order (none to whoever reads no case): law, the same
    for every official, like the profiles."""
    if not user.is_authenticated or not user.reads_cases:
        return NationalOffence.objects.none()
    return NationalOffence.objects.filter(country=country).order_by("position")


def dual_criminality(user: User, case: Case) -> Assessment:
    """The assessment of `case` (guidance.assessment.assess) on the requested State's profile and
    national offences; 404 to whoever reads no case. What the drafting of a request calls too."""
    if not user.is_authenticated or not user.reads_cases:
        raise Http404
    profile = Profile.objects.filter(country=case.requested_country).only("document").first()
    facts = [
        NationalOffenceFact(
            name=offence.name,
            statute=offence.statute,
            article=offence.article,
            max_penalty=offence.max_penalty,
            legal_persons_liable=offence.legal_persons_liable,
            conduct=tuple(offence.conduct),
            demonstration=offence.demonstration,
        )
        for offence in national_offences_of(user, case.requested_country)
    ]
    return assess(case, general=profile.document.get("general", {}) if profile else None, offences=facts)


def national_offences_document(user: User, country: str) -> dict[str, Any]:
    """`country`'s national offences as the file a State exports and imports (guidance/schemas.py,
    NationalOffencesDocument): an empty list where none are recorded."""
    return offences_document(country, national_offences_of(user, country))


def offences_document(country: str, found: Iterable[NationalOffence]) -> dict[str, Any]:
    """The file of `country` holding the offences `found` (read by the caller, who scoped them)."""
    offences = list(found)
    return {
        "format": OFFENCES_FORMAT,
        "country": country,
        "demonstration": any(offence.demonstration for offence in offences),
        "offences": [
            {
                "name": offence.name,
                "statute": offence.statute,
                "article": offence.article,
                "max_penalty": offence.max_penalty,
                "legal_persons_liable": offence.legal_persons_liable,
                "conduct": list(offence.conduct),
                "source": offence.source,
                "confirmed_on": offence.confirmed_on.isoformat(),
            }
            for offence in offences
        ],
    }


# Knowledge library (#23 item 3) -----------------------------------------------------------------

# A search is at most this long: what a person types, not a document.
MAX_QUERY = 200
# What a list of documents never loads: the files and their extracted text.
HEAVY = ("content", "text")
# Dated documents newest first, undated ones after them on both databases (PostgreSQL would put
# NULL first in a descending order, SQLite last).
NEWEST_FIRST = F("issued_on").desc(nulls_last=True)


def documents_visible_to(user: User) -> "QuerySet[LibraryDocument]":
    """Every document, for an official who reads cases (guidance, the same for all); none for
    anyone else."""
    if not user.is_authenticated or not user.reads_cases:
        return LibraryDocument.objects.none()
    return LibraryDocument.objects.all()


def tagged_with(measure: str) -> RawSQL:
    """Whether a document's `measures` hold `measure` (JSON containment differs by database)."""
    column = f'"{LibraryDocument._meta.db_table}"."measures"'
    if connection.vendor == "postgresql":
        return RawSQL(f"{column}::jsonb @> %s::jsonb", [json.dumps([measure])], output_field=BooleanField())
    return RawSQL(
        f"EXISTS (SELECT 1 FROM json_each({column}) WHERE value = %s)", [measure], output_field=BooleanField()
    )


def library_search(
    user: User, *, q: str = "", country: str = "", kind: str = "", language: str = "", measure: str = ""
) -> "QuerySet[LibraryDocument]":
    """The documents matching a search: every word of `q` in the title, description or text (best
    matches first), and each filter given; ValidationError naming the parameter that is wrong."""
    errors = FieldErrors()
    if len(q) > MAX_QUERY:
        errors.add(
            "q",
            ngettext("At most %(limit)d character.", "At most %(limit)d characters.", MAX_QUERY)
            % {"limit": MAX_QUERY},
        )
    errors.country("country", country, required=False)
    errors.code("kind", kind, DocumentKind, required=False)
    errors.code("measure", measure, Measure, required=False)
    if language and not is_language(language):
        errors.add(
            "language",
            unknown_language(language),
        )
    errors.raise_if_any()
    found = documents_visible_to(user).defer(*HEAVY)
    if country:
        found = found.filter(country=country)
    if kind:
        found = found.filter(kind=kind)
    if language:
        found = found.filter(language=language)
    if measure:
        found = found.filter(tagged_with(measure))
    searched = matching(found, q)
    if searched is found:
        return found.order_by("country", NEWEST_FIRST, "title", "id")
    return searched.order_by("-score", "title", "id")


def library_document(user: User, pk: int) -> LibraryDocument:
    """A document (without its file's bytes), or 404."""
    found = documents_visible_to(user).defer(*HEAVY).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def library_file(user: User, pk: int) -> LibraryDocument:
    """A document with its uploaded file, or 404 (also when it has none)."""
    found = documents_visible_to(user).defer("text").filter(pk=pk).exclude(file_name="").first()
    if found is None:
        raise Http404
    return found


def library_document_for_edit(user: User, pk: int) -> LibraryDocument:
    """A document of the user's own State, for its editors; 404 for anyone of another State (the
    service refuses one of the same State without the permission, saying why)."""
    found = library_document(user, pk)
    if user.authority is None or user.authority.country != found.country:
        raise Http404
    return found


def library_of(user: User, country: str) -> list[LibraryDocument]:
    """A State's documents, for its profile page (each measure's section lists those tagged with it)."""
    return list(
        documents_visible_to(user).defer(*HEAVY).filter(country=country).order_by(NEWEST_FIRST, "title", "id")
    )
