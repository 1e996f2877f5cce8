"""`/api/v1/ledger`: the public, read-only log API modelled on Certificate Transparency's, and the
authenticated endpoints that record entries."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Status

from comity.accounts.auth import api_auth
from comity.accounts.http import AuthedRequest
from comity.core.api import IDEMPOTENCY_PARAMETER, created_once, problem
from comity.core.numbers import LogIndex
from comity.ledger import selectors, services
from comity.ledger.models import LedgerEntry
from comity.ledger.schemas import (
    AgreementIn,
    ConsistencyProofOut,
    CorrectionIn,
    DisbursementIn,
    EntriesOut,
    EntryOut,
    InclusionProofOut,
    TreeHeadOut,
)

router = Router(tags=["ledger"])
PLAIN_TEXT = {"description": "OK", "content": {"text/plain": {"schema": {"type": "string"}}}}


def _entry_out(entry: LedgerEntry) -> dict[str, Any]:
    return {
        "leaf_index": entry.leaf_index,
        "leaf_input": selectors.b64(bytes(entry.leaf_input)),
        "entry": services.entry_content(entry),
    }


@router.get("/sth", response=TreeHeadOut, auth=None, summary="The latest signed tree head")
def sth(request: HttpRequest) -> dict[str, Any]:
    return selectors.tree_head_json(selectors.latest_tree_head())


@router.get(
    "/checkpoint",
    auth=None,
    summary="The latest signed checkpoint, as text/plain",
    openapi_extra={"responses": {200: PLAIN_TEXT}},
)
def checkpoint(request: HttpRequest) -> HttpResponse:
    head = selectors.latest_tree_head()
    if head is None:
        return problem(404, _("The log is empty."))
    return HttpResponse(head.checkpoint, content_type="text/plain; charset=utf-8")


@router.get(
    "/public-key",
    auth=None,
    summary="The verifier key, as name+keyid+key (text/plain)",
    openapi_extra={"responses": {200: PLAIN_TEXT}},
)
def public_key(request: HttpRequest) -> HttpResponse:
    return HttpResponse(services.signer().verifier_key + "\n", content_type="text/plain; charset=utf-8")


@router.get("/entries", response=EntriesOut, auth=None, summary="Entries start..end (inclusive)")
def entries(request: HttpRequest, start: LogIndex, end: LogIndex) -> dict[str, Any]:
    return {"entries": [_entry_out(e) for e in selectors.entries_between(start, end)]}


@router.get("/proof/inclusion", response=InclusionProofOut, auth=None, summary="RFC 9162 inclusion proof")
def inclusion(request: HttpRequest, leaf_index: LogIndex, tree_size: LogIndex) -> dict[str, Any]:
    path = selectors.inclusion_proof(leaf_index, tree_size)
    return {"leaf_index": leaf_index, "tree_size": tree_size, "audit_path": [selectors.b64(h) for h in path]}


@router.get(
    "/proof/consistency", response=ConsistencyProofOut, auth=None, summary="RFC 9162 consistency proof"
)
def consistency(request: HttpRequest, first: LogIndex, second: LogIndex) -> dict[str, Any]:
    proof = selectors.consistency_proof(first, second)
    return {"first": first, "second": second, "consistency": [selectors.b64(h) for h in proof]}


@router.post(
    "/agreements",
    response={201: EntryOut},
    auth=api_auth,
    summary="Record a return agreement",
    openapi_extra={"parameters": [IDEMPOTENCY_PARAMETER]},
)
def record_agreement(request: AuthedRequest, response: HttpResponse, payload: AgreementIn) -> Status:
    # The log is append-only and public: a retried call must not write an entry twice.
    entry = created_once(
        request,
        response,
        LedgerEntry,
        lambda: services.agreement_record(actor=request.user, data=payload.dict()),
    )
    return Status(201, _entry_out(entry))


@router.post(
    "/agreements/{int:agreement_index}/disbursements",
    response={201: EntryOut},
    auth=api_auth,
    summary="Record a disbursement under a return agreement",
    openapi_extra={"parameters": [IDEMPOTENCY_PARAMETER]},
)
def record_disbursement(
    request: AuthedRequest, response: HttpResponse, agreement_index: LogIndex, payload: DisbursementIn
) -> Status:
    entry = created_once(
        request,
        response,
        LedgerEntry,
        lambda: services.disbursement_record(
            actor=request.user, agreement_index=agreement_index, data=payload.dict()
        ),
    )
    return Status(201, _entry_out(entry))


@router.post(
    "/corrections",
    response={201: EntryOut},
    auth=api_auth,
    summary="Record a correction of an entry",
    openapi_extra={"parameters": [IDEMPOTENCY_PARAMETER]},
)
def record_correction(request: AuthedRequest, response: HttpResponse, payload: CorrectionIn) -> Status:
    entry = created_once(
        request,
        response,
        LedgerEntry,
        lambda: services.correction_record(
            actor=request.user,
            corrects=payload.corrects,
            reason=payload.reason,
            replacement=payload.replacement,
        ),
    )
    return Status(201, _entry_out(entry))
