"""What a deployment publishes to its peers: its key document at the well-known address."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from comity.accounts.http import AuthedRequest, case_reader_required
from comity.core.http import download_response
from comity.federation import hubs, selectors, services
from comity.federation.packages import Reason

JOSE = "application/jose"


@require_GET
def key_document(request: HttpRequest) -> JsonResponse:
    """Public: names, countries and public keys only. 404 before `comity federation init`."""
    document = selectors.key_document()
    if document is None:
        raise Http404
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=300"
    return response


@csrf_exempt  # no cookie, no session: the package's signature is its only credential
@require_POST
def inbox(request: HttpRequest) -> HttpResponse:
    """Where peers deliver packages (ADR 11). Answers a signed receipt: DELIVERY (200) once the
    package is verified and recorded, or a rejection naming the reason (400; 413 too large)."""
    own = selectors.deployment()
    if own is None:
        raise Http404
    limit = settings.COMITY_FEDERATION_MAX_PACKAGE_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    package = b"" if declared > limit else request.read(limit + 1)
    answer = services.inbox_receive(package, too_large=declared > limit or len(package) > limit, own=own)
    status = 200 if answer.accepted else 413 if answer.reason == Reason.TOO_LARGE else 400
    return HttpResponse(answer.receipt, content_type=JOSE, status=status)


@require_GET
def trust_list(request: HttpRequest) -> HttpResponse:
    """Public: the newest trust list this deployment signed as a hub (ADR 11 addendum); 404 when
    it published none. Members verify it themselves: its signature is its only credential."""
    published = hubs.published_list()
    if published is None:
        raise Http404
    response = HttpResponse(published.token, content_type=JOSE)
    response["Cache-Control"] = "public, max-age=300"
    return response


@case_reader_required
@require_GET
def request_document(request: AuthedRequest, pk: int, document_pk: int) -> HttpResponse:
    """A document a peer sent with a request: 404 to anyone who may not see the request or know
    its subjects' names."""
    found = selectors.request_document(request.user, pk, document_pk)
    return download_response(bytes(found.content), found.content_type, found.file_name)
