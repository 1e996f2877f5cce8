"""The "Network" link of every page: shown to the network's members, with their unread
notifications; read once per page, when the page shows it."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from comity.network import selectors


def badge_of(request: HttpRequest) -> selectors.NetworkBadge:
    """The request's badge, read once: a network page's membership test (views) and its link."""
    badge = getattr(request, "_network_badge", None)
    if badge is None:
        badge = selectors.network_badge(request.user)  # type: ignore[arg-type]
        request._network_badge = badge  # type: ignore[attr-defined]
    return badge


def network(request: HttpRequest) -> dict[str, Any]:
    return {"network_badge": SimpleLazyObject(lambda: badge_of(request))}
