"""What a deployment publishes to its peers: its key document at the well-known address."""

from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from comity.federation import selectors


@require_GET
def key_document(request: HttpRequest) -> JsonResponse:
    """Public: names, countries and public keys only. 404 before `comity federation init`."""
    document = selectors.key_document()
    if document is None:
        raise Http404
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=300"
    return response
