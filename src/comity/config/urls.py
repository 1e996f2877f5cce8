from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from comity.config.api import api, api_not_found
from comity.core.views import healthz

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", healthz, name="healthz"),
    path("", include("comity.federation.urls")),
    path("", include("comity.accounts.urls")),
    path("webauthn/", include("comity.accounts.webauthn_urls", namespace="otp_webauthn")),
    path("api/", api.urls),
    # An address under the API that no operation has (`/api/v1/requests/abc`) is the API's 404 in
    # problem details, never Django's HTML page.
    re_path(r"^api/", api_not_found),
    path("admin/", admin.site.urls),
    path("ledger/", include("comity.ledger.urls")),
    path("codes/", include("comity.reference.urls")),
    path("statistics/", include("comity.statistics.urls")),
    path("asset-cases/", include("comity.assets.urls")),
    path("network/", include("comity.network.urls")),
    path("guidance/", include("comity.guidance.urls")),
    path("drafts/", include("comity.drafting.urls")),
    path("", include("comity.cooperation.urls")),
]
