"""The network's pages, under /network/: the directory and the finder, consultations, meetings
and alerts (each part adds its own)."""

from django.urls import path

from comity.network import views

urlpatterns: list = [
    path("alerts/", views.alert_list, name="network-alerts"),
    path("alerts/new/", views.alert_create, name="network-alert-create"),
    path("alerts/new/case-assets/", views.alert_case_assets, name="network-alert-case-assets"),
    path("alerts/<int:pk>/", views.alert_detail, name="network-alert"),
    path("alerts/<int:pk>/<slug:action>/", views.alert_action, name="network-alert-action"),
]
urlpatterns += [
    path("meetings/", views.meeting_list, name="network-meetings"),
    path("meetings/new/", views.meeting_create, name="network-meeting-create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="network-meeting"),
    path("meetings/<int:pk>/<slug:action>/", views.meeting_action, name="network-meeting-action"),
    path(
        "meetings/<int:pk>/<slug:action>/<int:target>/", views.meeting_action, name="network-meeting-action"
    ),
]
