"""The network's pages, under /network/: the directory and the finder, consultations, meetings
and alerts (each part adds its own)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
