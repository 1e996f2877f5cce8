"""Writes of requirement profiles. One writer: `profile_save`, which every way of changing a
profile goes through (its edit pages, the API, `comity guidance import`, the demo): it checks the
actor edits that State's profile, keeps the version it makes whole, and audits it in the same
transaction. A document that does not match the schema writes nothing and names every path."""

import datetime
import json
from collections.abc import Mapping
from typing import Any, TypeVar

import pydantic
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from comity.accounts.models import User
from comity.core import messages
from comity.core.choices import AuditAction
from comity.core.errors import FieldErrors
from comity.core.files import FileInput, checked_file
from comity.core.services import audit
from comity.guidance.choices import DocumentKind
from comity.guidance.extract import text_of
from comity.guidance.fulltext import index, unindex
from comity.guidance.languages import is_language, unknown_language
from comity.guidance.models import LibraryDocument, NationalOffence, Profile, ProfileVersion
from comity.guidance.schemas import FORMAT, OFFENCES_FORMAT, NationalOffencesDocument, ProfileDocument
from comity.guidance.selectors import EDIT_PROFILE, flatten
from comity.reference.choices import Measure

# A profile file is a few dozen kilobytes; this bounds what a client can make the server parse.
MAX_DOCUMENT_BYTES = 1_000_000


def _message(error: Any) -> str:
    """A pydantic error in Comity's words (translated), with what was given where it helps."""
    if error["type"] == "string_pattern_mismatch":
        return _("Use lower-case letters, digits and hyphens, at most 40.")
    return messages.schema_error(
        error,
        error.get("input"),
        unknown_field=_("Unknown field (see docs/guidance-profile.md)."),
        wrong_type=_("This has the wrong type (see docs/guidance-profile.md)."),
    )


def document_errors(error: pydantic.ValidationError, prefix: str = "") -> FieldErrors:
    """Each problem of a document under its path (`measures.bank-records.elements.2.level`)."""
    errors = FieldErrors()
    for item in error.errors():
        path = [str(part) for part in item["loc"] if part != "[key]"]
        errors.add(".".join([prefix, *path] if prefix else path), _message(item))
    return errors


Document = TypeVar("Document", bound=pydantic.BaseModel)


def _parsed(raw: bytes | str | Mapping[str, Any], schema: type[Document], what: str) -> Document:
    data: Any = raw
    if isinstance(raw, bytes | str):
        if len(raw) > MAX_DOCUMENT_BYTES:
            raise ValidationError({"": [_("A file is at most 1 MB.")]})
        try:
            data = json.loads(raw)
        except ValueError as error:
            raise ValidationError({"": [_("This is not JSON: %(error)s.") % {"error": error}]}) from None
    if not isinstance(data, Mapping):
        raise ValidationError({"": [what]})
    try:
        return schema.model_validate(data)
    except pydantic.ValidationError as error:
        document_errors(error).raise_if_any()
        raise


def parse_document(raw: bytes | str | Mapping[str, Any]) -> ProfileDocument:
    """The profile in `raw` (a file's bytes, or its parsed JSON), or ValidationError naming each
    path that does not match the schema."""
    return _parsed(raw, ProfileDocument, _("A profile is a JSON object (see docs/guidance-profile.md)."))


def parse_offences(raw: bytes | str | Mapping[str, Any]) -> NationalOffencesDocument:
    """A State's national offences in `raw`, or ValidationError naming each path (`offences.3.conduct.0`)."""
    return _parsed(
        raw,
        NationalOffencesDocument,
        _("A list of national offences is a JSON object (see docs/guidance-crosswalk.md)."),
    )


def _require_editor(actor: User | None, country: str) -> None:
    """The operator (no actor: the command line, the demo) edits any profile; a user only their own
    State's, with the permission an administrator grants. Another State's profile is a 404, as an
    edit page that is not theirs must look: their own without the permission says who may."""
    if actor is None:
        return
    authority = actor.authority
    if not actor.is_active or not actor.reads_cases or authority is None or authority.country != country:
        raise Http404
    if not actor.has_perm(EDIT_PROFILE):
        raise PermissionDenied(
            _(
                "Only an editor of your State's requirement profile may change it: an administrator "
                "grants that permission."
            )
        )


def changed_paths(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """The fields (paths) whose value, source or date differ between two documents."""
    old, new = flatten(before), flatten(after)
    return sorted(path for path in old.keys() | new.keys() if old.get(path) != new.get(path))


@transaction.atomic
def profile_save(
    *, actor: User | None, document: ProfileDocument, via: str = ProfileVersion.Via.PAGE
) -> Profile:
    """Store `document` as its State's profile: a new version when anything changed (nothing
    written when nothing did, so importing the same file twice makes one version)."""
    _require_editor(actor, document.country)
    data = document.data()
    profile = Profile.objects.select_for_update().filter(country=document.country).first()
    now = timezone.now()
    if profile is None:
        profile = Profile(country=document.country, version=0)
        changed = changed_paths({}, data)
    else:
        changed = changed_paths(profile.document, data)
        if not changed:
            return profile
    profile.version += 1
    profile.document = data
    profile.demonstration = document.demonstration
    profile.updated_at = now
    profile.updated_by = actor
    profile.save()
    ProfileVersion.objects.create(
        profile=profile,
        version=profile.version,
        changed_at=now,
        changed_by=actor,
        via=via,
        changed=changed,
        document=data,
    )
    audit(
        actor=actor,
        action=AuditAction.PROFILE_IMPORT if via == ProfileVersion.Via.IMPORT else AuditAction.PROFILE_UPDATE,
        obj=profile,
        fields=changed,
        detail={"version": str(profile.version), "via": via},
    )
    return profile


def profile_import(
    *, actor: User | None, raw: bytes | str | Mapping[str, Any], via: str = ProfileVersion.Via.IMPORT
) -> Profile:
    """A profile file, checked whole, then saved (`profile_save`); nothing written if it does not match."""
    return profile_save(actor=actor, document=parse_document(raw), via=via)


def _document_of(country: str) -> dict[str, Any]:
    current = Profile.objects.filter(country=country).values_list("document", flat=True).first()
    return dict(current) if current else {"format": FORMAT, "country": country}


def _edited(country: str, change: Mapping[str, Any]) -> ProfileDocument:
    data = _document_of(country) | dict(change)
    try:
        return ProfileDocument.model_validate(data)
    except pydantic.ValidationError as error:
        document_errors(error).raise_if_any()
        raise


def profile_update_general(*, actor: User, country: str, general: Mapping[str, Any]) -> Profile:
    """Replace the general requirements of `country`'s profile (created if it has none yet)."""
    _require_editor(actor, country)
    return profile_save(actor=actor, document=_edited(country, {"general": general}))


def profile_update_section(
    *, actor: User, country: str, measure: str, section: Mapping[str, Any] | None
) -> Profile:
    """Replace (or, with None, remove) one measure's section of `country`'s profile."""
    _require_editor(actor, country)
    errors = FieldErrors()
    errors.code("measure", measure, Measure)
    errors.raise_if_any()
    measures = dict(_document_of(country).get("measures", {}))
    if section is None:
        measures.pop(measure, None)
    else:
        measures[measure] = section
    return profile_save(actor=actor, document=_edited(country, {"measures": measures}))


def _offence_rows(country: str) -> list[dict[str, Any]]:
    fields = [
        "name",
        "statute",
        "article",
        "max_penalty",
        "legal_persons_liable",
        "conduct",
        "source",
        "confirmed_on",
    ]
    return [
        {**row, "confirmed_on": row["confirmed_on"].isoformat()}
        for row in NationalOffence.objects.filter(country=country).order_by("position").values(*fields)
    ]


@transaction.atomic
def national_offences_save(
    *, actor: User | None, document: NationalOffencesDocument, via: str = ProfileVersion.Via.PAGE
) -> list[NationalOffence]:
    """Replace `document.country`'s national offences with the document's, in its order (nothing
    written when nothing changed). The same editors as the State's profile; audited with the
    positions that changed, never the offences' text (which is law, but the rule is one rule)."""
    _require_editor(actor, document.country)
    country = document.country
    data = document.data()
    before = _offence_rows(country)
    demonstration = data["demonstration"]
    stored_demo = set(NationalOffence.objects.filter(country=country).values_list("demonstration", flat=True))
    if before == data["offences"] and stored_demo <= {demonstration}:
        return list(NationalOffence.objects.filter(country=country))
    changed = [
        str(position)
        for position in range(max(len(before), len(data["offences"])))
        if before[position : position + 1] != data["offences"][position : position + 1]
    ]
    now = timezone.now()
    NationalOffence.objects.filter(country=country).delete()
    offences = NationalOffence.objects.bulk_create(
        NationalOffence(
            country=country,
            position=position,
            demonstration=demonstration,
            updated_at=now,
            updated_by=actor,
            **{**entry, "confirmed_on": datetime.date.fromisoformat(entry["confirmed_on"])},
        )
        for position, entry in enumerate(data["offences"])
    )
    audit(
        actor=actor,
        action=AuditAction.OFFENCE_UPDATE,
        # The list is the object changed: its entry is keyed by the State (guidance.nationaloffence#CH).
        obj=NationalOffence(pk=country),
        fields=[f"offences.{position}" for position in changed],
        detail={"country": country, "count": str(len(offences)), "via": via},
    )
    return offences


def national_offences_import(
    *, actor: User | None, raw: bytes | str | Mapping[str, Any], via: str = ProfileVersion.Via.IMPORT
) -> list[NationalOffence]:
    """A national offences file, checked whole, then saved; nothing written if it does not match."""
    return national_offences_save(actor=actor, document=parse_offences(raw), via=via)


def national_offences_update(
    *, actor: User, country: str, offences: list[Mapping[str, Any]]
) -> list[NationalOffence]:
    """Replace `country`'s national offences with `offences` (the edit page), keeping whether the
    list is demonstration data."""
    _require_editor(actor, country)
    demonstration = NationalOffence.objects.filter(country=country, demonstration=True).exists()
    document = parse_offences(
        {"format": OFFENCES_FORMAT, "country": country, "demonstration": demonstration, "offences": offences}
    )
    return national_offences_save(actor=actor, document=document)


# Knowledge library (#23 item 3) -----------------------------------------------------------------

# A document's fields a user gives (the file apart), in the order a form shows them.
LIBRARY_FIELDS = (
    "country",
    "title",
    "kind",
    "language",
    "issued_on",
    "source_url",
    "description",
    "measures",
)
# "Remove the uploaded file" in a change (`library_update(changes={"file": REMOVE_FILE})`).
REMOVE_FILE = "remove"
_URL = URLValidator(schemes=["http", "https"])


def _check_library(errors: FieldErrors, values: Mapping[str, Any]) -> None:
    """Every field of a document as it will be stored, each problem under its field."""
    errors.country("country", values["country"])
    errors.required("title", values["title"])
    errors.code("kind", values["kind"], DocumentKind)
    language = values["language"]
    if errors.required("language", language) and not is_language(language):
        errors.add(
            "language",
            unknown_language(language),
        )
    if values["issued_on"] is not None and not isinstance(values["issued_on"], datetime.date):
        errors.add("issued_on", messages.not_a_date(values["issued_on"]))
    else:
        errors.happened("issued_on", values["issued_on"])
    if values["source_url"]:
        try:
            _URL(values["source_url"])
        except ValidationError:
            errors.add("source_url", _("Give a web address starting with https:// or http://."))
    measures = values["measures"]
    if not isinstance(measures, list | tuple) or not all(isinstance(code, str) for code in measures):
        errors.add("measures", _("Give a list of measure codes (VOCABULARY.md)."))
    else:
        errors.codes("measures", measures, Measure)
    errors.texts(
        LibraryDocument,
        {
            name: values[name]
            for name in ("title", "source_url", "description")
            if isinstance(values[name], str)
        },
    )


def _day(value: Any) -> Any:
    """A date given as ISO text (a file, the demo) as a date; anything else as it was given."""
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip()) if value.strip() else None
        except ValueError:
            return value
    return value


def _check_file(errors: FieldErrors, upload: FileInput) -> dict[str, Any]:
    """The stored fields of an uploaded file (its type from its bytes, its text for the search)."""
    checked = checked_file(upload, settings.COMITY_LIBRARY_MAX_BYTES)
    if isinstance(checked, str):
        errors.add("file", checked)
        return {}
    return {
        "file_name": checked.name,
        "content_type": checked.content_type,
        "size": len(checked.content),
        "sha256": checked.sha256,
        "content": checked.content,
        "text": text_of(checked.content, checked.kind),
    }


NO_FILE = {"file_name": "", "content_type": "", "size": 0, "sha256": "", "content": None, "text": ""}


def _library_write(
    *, actor: User | None, document: LibraryDocument, values: Mapping[str, Any], upload: Any
) -> list[str]:
    """Check and store `values` (every field) and `upload` (a FileInput, REMOVE_FILE, or None to
    keep the file) in `document`; the fields that changed. Nothing written if anything is wrong."""
    errors = FieldErrors()
    values = {**values, "issued_on": _day(values["issued_on"])}
    _check_library(errors, values)
    stored = NO_FILE if upload == REMOVE_FILE else _check_file(errors, upload) if upload is not None else {}
    errors.raise_if_any()
    _require_editor(actor, values["country"])
    if document.pk is not None:
        # A document stays its State's: its editors move it to no other.
        _require_editor(actor, document.country)
    cleaned = {
        **values,
        "title": values["title"].strip(),
        "source_url": values["source_url"].strip(),
        "description": values["description"].strip(),
        "measures": [code for code in Measure.values if code in values["measures"]],
    }
    changed = [name for name, value in cleaned.items() if getattr(document, name) != value]
    if stored and (stored["sha256"], stored["file_name"]) != (document.sha256, document.file_name):
        changed.append("file")
    for name, value in {**cleaned, **stored}.items():
        setattr(document, name, value)
    now = timezone.now()
    if document.pk is None:
        document.added_at, document.added_by = now, actor
    if changed or document.pk is None:
        document.updated_at, document.updated_by = now, actor
        document.save()
        index(document)
    return changed


@transaction.atomic(durable=True)
def library_add(
    *,
    actor: User | None,
    values: Mapping[str, Any],
    upload: FileInput | None = None,
    demonstration: bool = False,
) -> LibraryDocument:
    """Add a document to its State's library (`values`: LIBRARY_FIELDS; `country` defaults to the
    actor's State). For the editors of that State's profile (404 for another State's)."""
    given = {name: values.get(name) for name in LIBRARY_FIELDS}
    if not given["country"] and actor is not None and actor.authority is not None:
        given["country"] = actor.authority.country
    given = {
        **given,
        "country": str(given["country"] or "").strip().upper(),
        "title": given["title"] or "",
        "kind": given["kind"] or "",
        "language": given["language"] or "",
        "source_url": given["source_url"] or "",
        "description": given["description"] or "",
        "measures": given["measures"] or [],
    }
    document = LibraryDocument(demonstration=demonstration)
    changed = _library_write(actor=actor, document=document, values=given, upload=upload)
    audit(actor=actor, action=AuditAction.LIBRARY_ADD, obj=document, fields=changed)
    return document


@transaction.atomic(durable=True)
def library_update(*, actor: User, document: LibraryDocument, changes: Mapping[str, Any]) -> LibraryDocument:
    """Change some fields of a document (`changes`: any of LIBRARY_FIELDS, and `file`: a new
    FileInput or REMOVE_FILE). Nothing written when nothing changes."""
    _require_editor(actor, document.country)
    document = LibraryDocument.objects.select_for_update().get(pk=document.pk)
    values = {name: changes[name] if name in changes else getattr(document, name) for name in LIBRARY_FIELDS}
    for name in ("title", "kind", "language", "source_url", "description", "country"):
        values[name] = values[name] if values[name] is not None else ""
    if isinstance(values["country"], str):
        values["country"] = values["country"].strip().upper()
    changed = _library_write(actor=actor, document=document, values=values, upload=changes.get("file"))
    if changed:
        audit(actor=actor, action=AuditAction.LIBRARY_UPDATE, obj=document, fields=changed)
    return document


@transaction.atomic(durable=True)
def library_remove(*, actor: User, document: LibraryDocument) -> None:
    """Remove a document from its State's library, for good (its audit row stays)."""
    _require_editor(actor, document.country)
    pk = document.pk
    audit(actor=actor, action=AuditAction.LIBRARY_REMOVE, obj=document, detail={"country": document.country})
    document.delete()
    unindex(pk)
