from django.urls import path

from comity.statistics import views

urlpatterns = [
    path("", views.statistics_page, name="statistics"),
    path("export/", views.statistics_export, name="statistics-export"),
    path("assets/", views.asset_statistics_page, name="statistics-assets"),
    path("assets/export/", views.asset_statistics_export, name="statistics-assets-export"),
    path("global/", views.global_page, name="statistics-global"),
    path("global/open-data.csv", views.global_open_data, name="statistics-global-open-data"),
    path("global/report.pdf", views.global_report, name="statistics-global-report"),
    path("submission/", views.submission_page, name="statistics-submission"),
    path("submission/import/", views.submission_import_page, name="statistics-submission-import"),
    path("report.pdf", views.statistics_report, name="statistics-report"),
    path("network/", views.network_statistics_page, name="statistics-network"),
]
