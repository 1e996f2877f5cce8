from django.urls import path

from comity.reference import views

urlpatterns = [path("", views.vocabulary_page, name="vocabulary")]
