from django.contrib.auth import views as auth_views
from django.urls import path

from comity.accounts import views
from comity.accounts.forms import OwnLanguagePasswordResetForm

urlpatterns = [
    path("language/", views.language_choose, name="language"),
    path("account/", views.account, name="account"),
    path("login/verify/", views.mfa_verify, name="mfa-verify"),
    path("account/two-factor/", views.mfa_setup, name="mfa-setup"),
    path("account/two-factor/recovery-codes/", views.mfa_recovery_codes, name="mfa-recovery-codes"),
    path("account/password/", views.password_change, name="password_change"),
    path("account/tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            form_class=OwnLanguagePasswordResetForm,
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_sent.html"),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        views.PasswordResetConfirm.as_view(template_name="accounts/password_reset_confirm.html"),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]
