"""The "Network" link of every page: shown to the network's members, with their unread
notifications; read once per page, when the page shows it."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from comity.network import selectors


def network(request: HttpRequest) -> dict[str, Any]:
    return {"network_badge": SimpleLazyObject(lambda: selectors.network_badge(request.user))}  # type: ignore[arg-type]
