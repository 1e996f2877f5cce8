"""Pages of drafts, under /drafts/."""

from django.urls import path, re_path

from comity.drafting import views

urlpatterns = [
    path("", views.draft_list, name="draft-list"),
    path("<int:pk>/", views.draft_review, name="draft-review"),
    re_path(r"^(?P<pk>[0-9]+)/letter\.(?P<format>docx|pdf)$", views.draft_document, name="draft-document"),
    path("<int:pk>/register/", views.draft_register, name="draft-register"),
    path("<int:pk>/share/", views.draft_share, name="draft-share"),
    path("<int:pk>/files/", views.draft_file_add, name="draft-file-add"),
    path("<int:pk>/files/<int:file_pk>", views.draft_file, name="draft-file"),
    path("<int:pk>/files/<int:file_pk>/remove/", views.draft_file_remove, name="draft-file-remove"),
    path("<int:pk>/<slug:step>/", views.draft_step, name="draft-step"),
]
