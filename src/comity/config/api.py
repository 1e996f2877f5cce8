"""The JSON API: one NinjaAPI mounting each app's router, with RFC 9457 problem details."""

from ninja import NinjaAPI

from comity.cooperation.api import router as cooperation_router
from comity.core.api import install_problem_handlers

api = NinjaAPI(
    title="Comity API",
    version="1",
    description="International cooperation requests and asset recovery cases. "
    "Authenticate with `Authorization: Bearer TOKEN` (see `comity token add`) or a session.",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
install_problem_handlers(api)
api.add_router("/v1/requests", cooperation_router)
