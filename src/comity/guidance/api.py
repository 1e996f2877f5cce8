"""The guidance API, `/api/v1/guidance`: requirement profiles (read by every official who reads
cases; replaced by the editors of the State's own authorities) and their comparison. To anyone
else every operation is a 404."""

import base64
import binascii
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Body, Router, Status
from pydantic import Field

from comity.accounts.auth import api_auth
from comity.accounts.http import AuthedRequest
from comity.core.errors import FieldErrors
from comity.core.files import FileInput
from comity.core.http import download_response
from comity.core.numbers import ObjectId
from comity.core.policy import require_reader
from comity.guidance import selectors, services
from comity.guidance.assessment import Assessment, case_from
from comity.guidance.crosswalk import crosswalk
from comity.guidance.models import LibraryDocument, Profile, ProfileVersion
from comity.guidance.schemas import (
    ComparedValue,
    ComparisonOut,
    CrosswalkOut,
    DualCriminalityIn,
    DualCriminalityOut,
    LibraryChangeIn,
    LibraryDocumentIn,
    LibraryDocumentOut,
    LibraryPageOut,
    NationalOffencesDocument,
    ProfileOut,
    ProfileSummary,
)
from comity.reference.choices import Measure

router = Router(tags=["guidance"])
# Read as JSON and checked by the same service as an import, so that both name each path alike.
DOCUMENT_BODY = Body(..., description="a profile document: docs/guidance-profile.schema.json")


def _country(code: str) -> str:
    return code.strip().upper()


def _same_state(payload: dict[str, Any], code: str, message: str) -> None:
    """An editor cannot slip another State's document in under their own State's address."""
    if payload.get("country") != code:
        raise ValidationError({"country": [message % {"given": payload.get("country"), "country": code}]})


def profile_out(profile: Profile, measure: str = "") -> dict[str, Any]:
    document = profile.document
    measures = document.get("measures", {})
    if measure:
        measures = {measure: measures[measure]} if measure in measures else {}
    return {
        "format": document["format"],
        "country": profile.country,
        "demonstration": profile.demonstration,
        "version": profile.version,
        "updated_at": profile.updated_at,
        "general": document.get("general", {}),
        "measures": measures,
    }


def _check_measure(measure: str) -> None:
    errors = FieldErrors()
    errors.code("measure", measure, Measure, required=False)
    errors.raise_if_any()


@router.get(
    "/profiles", auth=api_auth, response=list[ProfileSummary], summary="List the requirement profiles"
)
def list_profiles(request: AuthedRequest) -> list[dict[str, Any]]:
    require_reader(request.user)
    return [
        {
            "country": p.country,
            "country_name": p.country_name,
            "demonstration": p.demonstration,
            "version": p.version,
            "updated_at": p.updated_at,
        }
        for p in selectors.profiles_visible_to(request.user)
    ]


@router.get(
    "/profiles/{country}",
    auth=api_auth,
    response=ProfileOut,
    summary="Read a State's requirement profile (every measure's section keyed by its code)",
)
def read_profile(request: AuthedRequest, country: str, measure: str = "") -> dict[str, Any]:
    """`measure`: one measure's code (VOCABULARY.md) for its section only."""
    require_reader(request.user)
    _check_measure(measure)
    return profile_out(selectors.profile_detail(request.user, _country(country)), measure)


@router.put(
    "/profiles/{country}",
    auth=api_auth,
    response=ProfileOut,
    summary="Replace your State's requirement profile with a profile document",
)
def replace_profile(
    request: AuthedRequest, country: str, payload: dict[str, Any] = DOCUMENT_BODY
) -> dict[str, Any]:
    """The body is a profile document (docs/guidance-profile.md), as `comity guidance export`
    writes it; one that does not match is a 422 naming each path, and nothing is written. For the
    editors of your State's profile only."""
    code = _country(country)
    selectors.profile_for_edit(request.user, code)
    _same_state(payload, code, _("The document is the profile of %(given)s, not %(country)s."))
    profile = services.profile_import(actor=request.user, raw=payload, via=ProfileVersion.Via.API)
    return profile_out(profile)


@router.get("/profiles/{country}/history", auth=api_auth, summary="The versions of a profile, newest first")
def profile_history(request: AuthedRequest, country: str) -> list[dict[str, Any]]:
    require_reader(request.user)
    return [
        {
            "version": v.version,
            "changed_at": v.changed_at,
            "via": v.via,
            # Who changed it: their authority (a person's name is not the reader's business).
            "authority": v.changed_by.authority.name if v.changed_by and v.changed_by.authority else None,
            "changed": v.changed,
        }
        for v in selectors.profile_versions(request.user, _country(country))
    ]


def compared_out(row: selectors.Compared) -> ComparedValue:
    return ComparedValue(field=row.path, label=row.label, values=row.entries, differs=row.differs)


def parse_countries(raw: str) -> list[str]:
    """Two or three country codes, comma-separated (422 naming `countries` otherwise)."""
    countries = [_country(code) for code in raw.split(",") if code.strip()]
    errors = FieldErrors()
    if not 2 <= len(countries) <= 3 or len(set(countries)) != len(countries):
        errors.add("countries", _("Give two or three different countries, e.g. CH,PE."))
    for code in countries[:3]:
        errors.country("countries", code)
    errors.raise_if_any()
    return countries


@router.get(
    "/compare",
    auth=api_auth,
    response=ComparisonOut,
    summary="Compare two or three States' profiles side by side, with the differences marked",
)
def compare(request: AuthedRequest, countries: str, measure: str = "") -> dict[str, Any]:
    """`countries`: two or three codes, `CH,PE`; `measure`: a measure's code, for its section and
    elements too. A country without a profile is a 404."""
    require_reader(request.user)
    codes = parse_countries(countries)
    _check_measure(measure)
    found = selectors.comparison(request.user, codes, measure or None)
    return {
        "countries": codes,
        "measure": measure or None,
        "general": [compared_out(row) for row in found.general],
        "section": [compared_out(row) for row in found.section + found.elements],
    }


@router.get("/crosswalk", auth=api_auth, response=CrosswalkOut, summary="The offence crosswalk")
def read_crosswalk(request: AuthedRequest) -> dict[str, Any]:
    """Each conduct element with its UNCAC article, offence code (VOCABULARY.md), ICCS code and
    categories of the European Arrest Warrant list; its version and sources."""
    require_reader(request.user)
    table = crosswalk()
    return {
        "version": table.version,
        "sources": list(table.sources),
        "elements": [
            {
                "code": e.code,
                "label": e.label,
                "uncac": e.uncac,
                "offence": e.offence,
                "iccs": e.iccs,
                "eaw": list(e.eaw),
            }
            for e in table.elements.values()
        ],
    }


@router.get(
    "/offences/{country}",
    auth=api_auth,
    response=NationalOffencesDocument,
    summary="A State's national offences, mapped to the crosswalk's conduct elements",
)
def read_offences(request: AuthedRequest, country: str) -> dict[str, Any]:
    require_reader(request.user)
    code = _country(country)
    errors = FieldErrors()
    errors.country("country", code)
    errors.raise_if_any()
    return selectors.national_offences_document(request.user, code)


@router.put(
    "/offences/{country}",
    auth=api_auth,
    response=NationalOffencesDocument,
    summary="Replace your State's national offences",
)
def replace_offences(
    request: AuthedRequest, country: str, payload: dict[str, Any] = DOCUMENT_BODY
) -> dict[str, Any]:
    """The body is a national offences document (docs/guidance-crosswalk.md), as GET answers it;
    one that does not match is a 422 naming each path, and nothing is written. For the editors of
    your State's profile only."""
    code = _country(country)
    selectors.profile_for_edit(request.user, code)
    _same_state(payload, code, _("The document lists the offences of %(given)s, not %(country)s."))
    services.national_offences_import(actor=request.user, raw=payload, via=ProfileVersion.Via.API)
    return selectors.national_offences_document(request.user, code)


def assessment_out(found: Assessment) -> dict[str, Any]:
    return {
        "verdict": found.verdict,
        "reasons": [{"code": r.code, "message": r.message, "attention": r.attention} for r in found.reasons],
        "national_offences": [
            {
                "name": f.offence.name,
                "statute": f.offence.statute,
                "article": f.offence.article,
                "max_penalty": f.offence.max_penalty,
                "legal_persons_liable": f.offence.legal_persons_liable,
                "conduct": list(f.conduct),
                "demonstration": f.offence.demonstration,
            }
            for f in found.national_offences
        ],
        "notice": found.notice,
        "crosswalk_version": found.crosswalk_version,
    }


@router.post(
    "/dual-criminality",
    auth=api_auth,
    response=DualCriminalityOut,
    summary="Assess dual criminality for a request (guidance, not a legal opinion)",
)
def dual_criminality(request: AuthedRequest, payload: DualCriminalityIn) -> dict[str, Any]:
    """The verdict (not-required, likely-satisfied, needs-attention) with its reasons and the
    requested State's national offences covering the conduct. Codes: VOCABULARY.md (countries,
    offences, measures), GET /crosswalk (conduct). Writes nothing."""
    require_reader(request.user)
    case = case_from(payload.dict())
    return assessment_out(selectors.dual_criminality(request.user, case))


# Knowledge library (#23 item 3) -----------------------------------------------------------------

LIBRARY_PAGE = 20
# A page number beyond this is refused: the library is read by searching, not by paging through.
MAX_PAGE = 500


def library_out(document: LibraryDocument) -> dict[str, Any]:
    return {
        "id": document.pk,
        "country": document.country,
        "title": document.title,
        "kind": document.kind,
        "language": document.language,
        "issued_on": document.issued_on,
        "source_url": document.source_url,
        "description": document.description,
        "measures": document.measures,
        "demonstration": document.demonstration,
        "file": {
            "name": document.file_name,
            "content_type": document.content_type,
            "size": document.size,
            "sha256": document.sha256,
            "url": f"/api/v1/guidance/library/{document.pk}/file",
        }
        if document.has_file
        else None,
        "updated_at": document.updated_at,
        "score": getattr(document, "score", None),
    }


@router.get(
    "/library",
    auth=api_auth,
    response=LibraryPageOut,
    summary="Search the knowledge library: laws, guides, model forms and templates of each State",
)
def library(
    request: AuthedRequest,
    q: str = "",
    country: str = "",
    kind: str = "",
    language: str = "",
    measure: str = "",
    # Checked below, in the reader's language; the range is only documented here.
    page: Annotated[int, Field(json_schema_extra={"minimum": 1, "maximum": MAX_PAGE})] = 1,
) -> dict[str, Any]:
    """`q`: words to find in the title, description and text (every word, each as a prefix; best
    matches first; at most 200 characters); `country`, `kind`, `language`, `measure`: filters.
    Twenty documents a page (`page`, from 1)."""
    require_reader(request.user)
    if not 1 <= page <= MAX_PAGE:
        raise ValidationError({"page": [_("Give a page from 1 to %(most)d.") % {"most": MAX_PAGE}]})
    found = selectors.library_search(
        request.user, q=q.strip(), country=_country(country), kind=kind, language=language, measure=measure
    )
    paginator = Paginator(found, LIBRARY_PAGE)
    count = paginator.count
    start = (page - 1) * LIBRARY_PAGE
    return {
        "count": count,
        "page": page,
        "pages": paginator.num_pages if count else 0,
        "results": [library_out(d) for d in found[start : start + LIBRARY_PAGE]],
    }


def _upload(file: dict[str, Any] | None) -> FileInput | None:
    if file is None:
        return None
    try:
        content = base64.b64decode(file["content_base64"], validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError({"file.content_base64": [_("This is not base64 (RFC 4648).")]}) from None
    return FileInput(name=file["name"], content=content)


@router.post(
    "/library",
    auth=api_auth,
    response={201: LibraryDocumentOut},
    summary="Add a document to your State's library",
)
def library_add(request: AuthedRequest, payload: LibraryDocumentIn) -> Status:
    """For the editors of your State's requirement profile. A file (PDF, Word, Excel, OpenDocument,
    PNG, JPEG or UTF-8 text, its type read from its bytes) is at most COMITY_LIBRARY_MAX_BYTES."""
    require_reader(request.user)
    data = payload.dict()
    upload = _upload(data.pop("file"))
    document = services.library_add(actor=request.user, values=data, upload=upload)
    return Status(201, library_out(document))


@router.get(
    "/library/{int:document_id}",
    auth=api_auth,
    response=LibraryDocumentOut,
    summary="Read a library document",
)
def library_read(request: AuthedRequest, document_id: ObjectId) -> dict[str, Any]:
    require_reader(request.user)
    return library_out(selectors.library_document(request.user, document_id))


@router.get("/library/{int:document_id}/file", auth=api_auth, summary="Download a library document's file")
def library_download(request: AuthedRequest, document_id: ObjectId) -> HttpResponse:
    require_reader(request.user)
    document = selectors.library_file(request.user, document_id)
    return download_response(bytes(document.content or b""), document.content_type, document.file_name)


@router.patch(
    "/library/{int:document_id}",
    auth=api_auth,
    response=LibraryDocumentOut,
    summary="Change a library document",
)
def library_change(request: AuthedRequest, document_id: ObjectId, payload: LibraryChangeIn) -> dict[str, Any]:
    """Only the fields given change; `"file": null` removes the uploaded file. For the editors of
    the document's State."""
    require_reader(request.user)
    document = selectors.library_document_for_edit(request.user, document_id)
    changes = payload.dict(exclude_unset=True)
    if "file" in changes:
        changes["file"] = _upload(changes["file"]) or services.REMOVE_FILE
    return library_out(services.library_update(actor=request.user, document=document, changes=changes))


@router.delete(
    "/library/{int:document_id}", auth=api_auth, response={204: None}, summary="Remove a library document"
)
def library_delete(request: AuthedRequest, document_id: ObjectId) -> Status:
    require_reader(request.user)
    document = selectors.library_document_for_edit(request.user, document_id)
    services.library_remove(actor=request.user, document=document)
    return Status(204, None)
