"""`/api/v1/authorities`: the authorities a request may name as its parties, with their ids;
`/api/v1/tokens`: the acting user's API tokens."""

from typing import Any

from django.conf import settings
from ninja import Router, Status

from comity.accounts import selectors, services
from comity.accounts.auth import api_auth
from comity.accounts.filters import AuthorityFilterSet
from comity.accounts.http import AuthedRequest
from comity.accounts.models import ApiToken
from comity.accounts.schemas import AuthorityPage, TokenCreated, TokenIn, TokenOut
from comity.core.filters import valid_filters
from comity.core.numbers import ObjectId
from comity.core.openapi import filterset_parameters
from comity.core.pagination import keyset_page

router = Router(auth=api_auth, tags=["authorities"])
FIELDS = ("pk", "name", "country", "kind", "external")


@router.get(
    "",
    response=AuthorityPage,
    summary="List the authorities that may be a party to a request",
    description="Every authority a request may name as requesting or requested (external ones "
    "included, the secretariat not), by name; `country`, `kind` and `name` (a part of it, any "
    "case) filter it.",
    openapi_extra={
        "parameters": [
            *filterset_parameters(AuthorityFilterSet),
            {"in": "query", "name": "cursor", "schema": {"type": "string"}, "required": False},
        ]
    },
)
def list_authorities(request: AuthedRequest) -> dict:
    filterset = AuthorityFilterSet(request.GET, queryset=selectors.party_authorities(), user=request.user)
    page = keyset_page(
        valid_filters(filterset).values(*FIELDS),
        sort="name",
        cursor=request.GET.get("cursor"),
        size=settings.COMITY_PAGE_SIZE,
    )
    return {
        "items": [{"id": row.pop("pk"), **row} for row in page.items],
        "next_cursor": page.next_cursor,
    }


tokens_router = Router(auth=api_auth, tags=["tokens"])


def token_out(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.pk,
        "user": token.user.username,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "expires_at": token.expires_at,
        "last_used_at": token.last_used_at,
        "revoked": token.revoked,
    }


@tokens_router.get(
    "", response=list[TokenOut], summary="Your API tokens (an administrator: also your authority's)"
)
def list_tokens(request: AuthedRequest) -> list[dict[str, Any]]:
    return [token_out(t) for t in selectors.tokens_visible_to(request.user)[:500]]


@tokens_router.post("", response={201: TokenCreated}, summary="Make yourself a new API token")
def create_token(request: AuthedRequest, payload: TokenIn) -> Status:
    secret = services.token_create(
        actor=request.user, user=request.user, days=payload.days, name=payload.name
    )
    made = selectors.tokens_visible_to(request.user).get(key_hash=services.hash_token(secret))
    return Status(201, token_out(made) | {"token": secret})


@tokens_router.delete("/{int:token_id}", response=TokenOut, summary="Revoke a token")
def revoke_token(request: AuthedRequest, token_id: ObjectId) -> dict[str, Any]:
    token = selectors.token_for_actor(request.user, token_id)
    return token_out(services.token_revoke(actor=request.user, token=token))
