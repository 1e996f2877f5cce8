from django.urls import path

from comity.assets import views

urlpatterns = [
    path("", views.case_list, name="asset-case-list"),
    path("new/", views.case_create, name="asset-case-create"),
    path("follow-up/", views.follow_up, name="asset-follow-up"),
    path("map/world.svg", views.world_map, name="asset-world-map"),
    path("alerts/", views.alerts_fragment, name="asset-alerts"),
    path("import/", views.case_import, name="asset-case-import"),
    path("import/<int:pk>/", views.case_import_job, name="asset-case-import-job"),
    path(
        "import/template.csv",
        views.case_import_template,
        {"fmt": "csv"},
        name="asset-case-import-template-csv",
    ),
    path(
        "import/template.xlsx", views.case_import_template, {"fmt": "xlsx"}, name="asset-case-import-template"
    ),
    path("export/", views.case_export, name="asset-case-export"),
    path("<int:pk>/", views.case_detail, name="asset-case-detail"),
    path("<int:pk>/<slug:action>/", views.case_action, name="asset-case-action"),
    path("<int:pk>/<slug:action>/<int:target>/", views.case_action, name="asset-case-action"),
]
