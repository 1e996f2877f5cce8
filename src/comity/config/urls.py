from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from comity.config.api import api
from comity.core.views import healthz

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", healthz, name="healthz"),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("ledger/", include("comity.ledger.urls")),
    path("statistics/", include("comity.statistics.urls")),
    path("asset-cases/", include("comity.assets.urls")),
    path("", include("comity.cooperation.urls")),
]
