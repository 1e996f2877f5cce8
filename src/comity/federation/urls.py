from django.urls import path

from comity.federation import pages, views

urlpatterns = [
    path(".well-known/comity-federation.json", views.key_document, name="federation-key-document"),
    path("federation/inbox", views.inbox, name="federation-inbox"),
    path("federation/", pages.overview, name="federation-overview"),
    path("federation/import/", pages.package_import, name="federation-import"),
    path("federation/messages/<int:pk>/retry/", pages.message_retry, name="federation-retry"),
    path("federation/messages/<int:pk>/package", pages.message_package, name="federation-package"),
    path("federation/messages/<int:pk>/receipt", pages.message_receipt, name="federation-receipt"),
    path("federation/peers/<int:pk>/revoke/", pages.peer_revoke, name="federation-revoke"),
    path(".well-known/comity-trust-list.jws", views.trust_list, name="federation-trust-list"),
    path(
        "requests/<int:pk>/documents/<int:document_pk>",
        views.request_document,
        name="federation-request-document",
    ),
]
