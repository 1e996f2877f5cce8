"""The drafting API, `/api/v1/drafts`: a draft is started with its type (and whatever is known),
completed by PATCH as the steps go, checked against the requested State's requirement profile,
written as a letter (Word or PDF) and registered as a request. Every read is scoped to the draft's
authority: to anyone else a draft does not exist (404)."""

from typing import Any

from django.http import HttpResponse
from ninja import Body, Router, Status

from comity.accounts.auth import api_auth
from comity.accounts.http import AuthedRequest
from comity.accounts.models import User
from comity.core.numbers import ObjectId
from comity.core.policy import require_reader
from comity.drafting import documents, selectors, services
from comity.drafting.models import Draft
from comity.drafting.schemas import CheckOut, DraftOut, DraftSummary, RegisterOut, ShareIn

router = Router(tags=["drafts"])
# Read as JSON and checked by the service, so that every bad field is named by its path at once.
FIELDS_BODY = Body(..., description="the draft's fields (DraftOut's names); `type` required to start one")


def draft_out(draft: Draft) -> dict[str, Any]:
    return {
        **draft.values(),
        "id": draft.pk,
        "status": draft.status,
        "authority": draft.authority_id,
        "consultation": draft.consultation_id,
        "request": draft.request_id,
        "shared_with": selectors.shared_with(draft),
        "created_at": draft.created_at,
        "updated_at": draft.updated_at,
    }


def check_out(user: User, draft: Draft) -> dict[str, Any]:
    result = selectors.draft_check(user, draft)
    return {
        "complete": result.complete,
        "profile": result.profile,
        "demonstration": result.demonstration,
        "items": [{"field": i.field, "severity": i.severity, "reason": i.reason} for i in result.items],
    }


@router.get("", auth=api_auth, response=list[DraftSummary], summary="Your drafts, last changed first")
def list_drafts(request: AuthedRequest) -> "Any":
    require_reader(request.user)
    return selectors.drafts_visible_to(request.user).only(
        "pk", "type", "status", "requested_country", "updated_at"
    )[:200]


@router.post("", auth=api_auth, response={201: DraftOut}, summary="Start a draft request")
def create_draft(request: AuthedRequest, payload: dict[str, Any] = FIELDS_BODY) -> Status:
    """`{"type": "mla", "requested_country": "CH", "measures": [...], "offences": [...], "facts": "..."}`;
    `consultation` (a consultation's id) starts it from what the consultation says."""
    require_reader(request.user)
    return Status(201, draft_out(services.draft_create(actor=request.user, data=payload)))


@router.get("/{int:draft_id}", auth=api_auth, response=DraftOut, summary="Read a draft")
def read_draft(request: AuthedRequest, draft_id: ObjectId) -> dict[str, Any]:
    return draft_out(selectors.draft_detail(request.user, draft_id, channel="api"))


@router.patch("/{int:draft_id}", auth=api_auth, response=DraftOut, summary="Change a draft's fields")
def update_draft(
    request: AuthedRequest, draft_id: ObjectId, payload: dict[str, Any] = FIELDS_BODY
) -> dict[str, Any]:
    draft = selectors.draft_for_write(request.user, draft_id)
    return draft_out(services.draft_update(actor=request.user, draft=draft, data=payload))


@router.delete(
    "/{int:draft_id}", auth=api_auth, response={204: None}, summary="Delete a draft not registered"
)
def delete_draft(request: AuthedRequest, draft_id: ObjectId) -> Status:
    services.draft_delete(actor=request.user, draft=selectors.draft_for_write(request.user, draft_id))
    return Status(204, None)


@router.get(
    "/{int:draft_id}/check",
    auth=api_auth,
    response=CheckOut,
    summary="Check a draft against the requested State's requirement profile",
)
def check_draft(request: AuthedRequest, draft_id: ObjectId) -> dict[str, Any]:
    """What is missing (`blocking`: the State will not execute without it; `advisory`: it will
    help) and what the State does not accept, each with the draft's field and the reason."""
    return check_out(request.user, selectors.draft_detail(request.user, draft_id, channel="api"))


@router.get(
    "/{int:draft_id}/document",
    auth=api_auth,
    summary="The draft as a letter: an editable Word document or a PDF",
    response={200: bytes},
)
def draft_document(
    request: AuthedRequest, draft_id: ObjectId, format: str = "docx", language: str = ""
) -> HttpResponse:
    """`format`: docx or pdf; `language` defaults to the first the requested State accepts, else
    English. An incomplete draft is marked as such at the head of the letter; its last page is
    the checklist of the documents enclosed."""
    draft = selectors.draft_detail(request.user, draft_id, channel="api")
    written_format, written_language = documents.parse_query(format, language)
    return documents.response(request.user, draft, written_format, written_language)


@router.post(
    "/{int:draft_id}/share", auth=api_auth, response={204: None}, summary="Share a draft with a colleague"
)
def share_draft(request: AuthedRequest, draft_id: ObjectId, payload: ShareIn) -> Status:
    draft = selectors.draft_for_write(request.user, draft_id)
    services.draft_share(actor=request.user, draft=draft, user_id=payload.user)
    return Status(204, None)


@router.post(
    "/{int:draft_id}/register",
    auth=api_auth,
    response={201: RegisterOut},
    summary="Register the draft as a request sent",
)
def register_draft(request: AuthedRequest, draft_id: ObjectId) -> Status:
    """Answers `{"request_id": N}`; a draft the check finds incomplete is a 422 naming each blocking field."""
    draft = selectors.draft_for_write(request.user, draft_id)
    return Status(201, {"request_id": services.draft_register(actor=request.user, draft=draft).pk})
