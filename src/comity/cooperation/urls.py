from django.urls import path

from comity.cooperation import views

urlpatterns = [
    path("", views.home, name="home"),
    path("requests/", views.request_list, name="request-list"),
    path("requests/new/", views.request_create, name="request-create"),
    path("requests/export/", views.request_export, name="request-export"),
    path("requests/export/xlsx/", views.request_export_start, name="request-export-start"),
    path("requests/export/<int:pk>/", views.request_export_job, name="request-export-job"),
    path("requests/export/<int:pk>/file", views.request_export_file, name="request-export-file"),
    path("requests/import/", views.request_import, name="request-import"),
    path(
        "requests/import/template.csv",
        views.request_import_template,
        {"fmt": "csv"},
        name="request-import-template-csv",
    ),
    path(
        "requests/import/template.xlsx",
        views.request_import_template,
        {"fmt": "xlsx"},
        name="request-import-template",
    ),
    path("requests/import/<int:pk>/", views.request_import_job, name="request-import-job"),
    path("requests/access-log/", views.access_log, name="access-log"),
    path("requests/access-log/export", views.access_log_export, name="access-log-export"),
    path("requests/<int:pk>/", views.request_detail, name="request-detail"),
    path("requests/<int:pk>/edit/", views.request_edit, name="request-edit"),
    path("requests/<int:pk>/events/", views.event_create, name="event-create"),
    path("requests/<int:pk>/barriers/", views.barrier_create, name="request-barrier-create"),
]
