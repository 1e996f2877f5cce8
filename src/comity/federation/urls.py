from django.urls import path

from comity.federation import views

urlpatterns = [
    path(".well-known/comity-federation.json", views.key_document, name="federation-key-document"),
    path("federation/inbox", views.inbox, name="federation-inbox"),
]
