"""The JSON API: one NinjaAPI mounting each app's router, with RFC 9457 problem details."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI

from comity.accounts.api import router as accounts_router
from comity.accounts.api import tokens_router
from comity.assets.api import router as assets_router
from comity.cooperation.api import router as cooperation_router
from comity.core.api import install_problem_handlers, problem
from comity.core.openapi import document_problems
from comity.drafting.api import router as drafts_router
from comity.federation.api import router as federation_router
from comity.guidance.api import router as guidance_router
from comity.ledger.api import router as ledger_router
from comity.ledger.services import LedgerNotInitialised
from comity.network.api import alerts_router, consultations_router, meetings_router
from comity.network.api import router as network_router
from comity.reference.api import router as vocabularies_router
from comity.statistics.api import router as statistics_router


class ComityAPI(NinjaAPI):
    """The API whose OpenAPI document names every status an operation may answer."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None) -> Any:
        return document_problems(
            super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params),
            under={
                "/api/v1/ledger/": {503: "The transparency log is not initialised (`comity ledger init`)."}
            },
        )


api = ComityAPI(
    title="Comity API",
    version="1",
    description="International cooperation requests and asset recovery cases. "
    "Authenticate with `Authorization: Bearer TOKEN` (see `comity token add`) or a session.",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
install_problem_handlers(api)
api.exception_handler(LedgerNotInitialised)(
    lambda request, exc: problem(503, "The transparency log is not initialised.", str(exc))
)
api.add_router("/v1/authorities", accounts_router)
api.add_router("/v1/tokens", tokens_router)
api.add_router("/v1/requests", cooperation_router)
api.add_router("/v1/asset-cases", assets_router)
api.add_router("/v1/ledger", ledger_router)
api.add_router("/v1/network", network_router)
api.add_router("/v1/consultations", consultations_router)
api.add_router("/v1/meetings", meetings_router)
api.add_router("/v1/alerts", alerts_router)
api.add_router("/v1/guidance", guidance_router)
api.add_router("/v1/drafts", drafts_router)
api.add_router("/v1/statistics", statistics_router)
api.add_router("/v1/vocabularies", vocabularies_router)
api.add_router("/v1/federation", federation_router)


@csrf_exempt  # like the API's own operations, which authenticate each call themselves
def api_not_found(request: HttpRequest) -> HttpResponse:
    return problem(404, _("Not found."))
