"""Pages of requirement profiles, under /guidance/; a State is its ISO 3166-1 alpha-2 code."""

from django.urls import path, re_path

from comity.guidance import views

STATE = r"^(?P<country>[A-Za-z]{2})/"

urlpatterns = [
    path("", views.profile_list, name="guidance-profiles"),
    path("compare/", views.compare, name="guidance-compare"),
    path("dual-criminality/", views.dual_criminality, name="guidance-dual-criminality"),
    path("crosswalk/", views.crosswalk_table, name="guidance-crosswalk"),
    path("library/", views.library_search, name="guidance-library"),
    path("library/add/", views.library_add, name="guidance-library-add"),
    path("library/<int:pk>/", views.library_detail, name="guidance-library-document"),
    path("library/<int:pk>/file", views.library_download, name="guidance-library-file"),
    path("library/<int:pk>/edit/", views.library_edit, name="guidance-library-edit"),
    path("library/<int:pk>/remove/", views.library_remove, name="guidance-library-remove"),
    re_path(STATE + r"$", views.profile_detail, name="guidance-profile"),
    re_path(STATE + r"profile\.json$", views.profile_export, name="guidance-profile-export"),
    re_path(STATE + r"history/$", views.profile_history, name="guidance-profile-history"),
    re_path(STATE + r"edit/$", views.general_edit, name="guidance-general-edit"),
    re_path(STATE + r"edit/(?P<measure>[a-z-]+)/$", views.section_edit, name="guidance-section-edit"),
    re_path(STATE + r"offences/edit/$", views.offences_edit, name="guidance-offences-edit"),
]
