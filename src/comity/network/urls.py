"""The network's pages, under /network/: the directory and the finder, consultations, meetings
and alerts (each part adds its own)."""

from django.urls import path

from comity.network import views

urlpatterns: list = [
    path("", views.directory, name="network-directory"),
    path("directory/<int:authority_id>/", views.entry_detail, name="network-entry"),
    path("directory/<int:authority_id>/edit/", views.entry_edit, name="network-entry-edit"),
    path("directory/<int:authority_id>/confirm/", views.entry_confirm, name="network-entry-confirm"),
    path("directory/<int:authority_id>/contacts/new/", views.contact_edit, name="network-contact-add"),
    path(
        "directory/<int:authority_id>/contacts/<int:contact_id>/", views.contact_edit, name="network-contact"
    ),
    path(
        "directory/<int:authority_id>/contacts/<int:contact_id>/remove/",
        views.contact_remove,
        name="network-contact-remove",
    ),
    path("finder/", views.finder, name="network-finder"),
    path("inbox/", views.inbox, name="network-inbox"),
    path("inbox/read/", views.inbox_read, name="network-inbox-read"),
    path("memberships/", views.memberships, name="network-memberships"),
    path("memberships/request/", views.membership_request, name="network-membership-request"),
    path(
        "memberships/<int:membership_id>/<str:decision>/",
        views.membership_decide,
        name="network-membership-decide",
    ),
]
urlpatterns += [
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
# Consultations (#22 item 4)
urlpatterns += [
    path("consultations/", views.consultation_list, name="consultation-list"),
    path("consultations/new/", views.consultation_create, name="consultation-create"),
    path("consultations/<int:pk>/", views.consultation_detail, name="consultation-detail"),
    path("consultations/<int:pk>/message/", views.consultation_post, name="consultation-post"),
    path("consultations/<int:pk>/invite/", views.consultation_invite, name="consultation-invite"),
    path("consultations/<int:pk>/close/", views.consultation_close, name="consultation-close"),
    path("consultations/<int:pk>/convert/", views.consultation_convert, name="consultation-convert"),
    path("consultations/<int:pk>/export.txt", views.consultation_export, name="consultation-export"),
    path(
        "consultations/<int:pk>/attachments/<int:attachment>/",
        views.attachment_download,
        name="consultation-attachment",
    ),
]
