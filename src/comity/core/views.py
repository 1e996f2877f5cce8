from django.http import HttpRequest, HttpResponse


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers and the benchmarks' floor: no database, no template."""
    return HttpResponse("ok\n", content_type="text/plain")
