"""`/api/v1/authorities`: the authorities a request may name as its parties, with their ids."""

from django.conf import settings
from ninja import Router

from comity.accounts import selectors
from comity.accounts.filters import AuthorityFilterSet
from comity.accounts.schemas import AuthorityPage
from comity.core.api import api_auth, valid_filters
from comity.core.http import AuthedRequest
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
    filterset = AuthorityFilterSet(request.GET, queryset=selectors.party_authorities(), request=request)
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
