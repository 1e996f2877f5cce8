"""A user's own account: password, API tokens. Thin: parse, call a service, render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from comity.accounts import selectors, services
from comity.accounts.forms import OwnPasswordForm, TokenForm
from comity.core.forms import add_service_errors
from comity.core.http import AuthedRequest


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: AuthedRequest) -> HttpResponse:
    form = OwnPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.password_change(
                actor=request.user,
                user=request.user,
                password=form.cleaned_data["new_password1"],
                revoke_tokens=form.cleaned_data["revoke_tokens"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            update_session_auth_hash(request, user)  # this session goes on; the others end
            messages.success(request, _("Your password was changed."))
            return redirect("account")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def account(request: AuthedRequest) -> HttpResponse:
    """The user's account: their tokens (and, for an administrator, their authority's), a new one."""
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            secret = services.token_create(
                actor=request.user,
                user=request.user,
                days=form.cleaned_data["days"],
                name=form.cleaned_data["name"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            form = TokenForm()
    tokens = list(selectors.tokens_visible_to(request.user)[:500])
    return render(request, "accounts/account.html", {"form": form, "tokens": tokens, "secret": secret})


@login_required
@require_POST
def token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    token = selectors.token_for_actor(request.user, pk)
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token %(prefix)s… was revoked.") % {"prefix": token.prefix})
    return redirect("account")


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    """Django's check of the link (single use: it depends on the password it changes, and expires
    after PASSWORD_RESET_TIMEOUT), then the password set through the service, audited."""

    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        try:
            services.password_change(
                actor=self.user,
                user=self.user,
                password=form.cleaned_data["new_password1"],
                revoke_tokens=True,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return redirect(self.success_url)


def locked_out(request: HttpRequest, credentials: dict | None = None, *args, **kwargs) -> HttpResponse:
    """What a login locked out by django-axes answers (AXES_LOCKOUT_CALLABLE): the site's page
    saying for how long, 429 Too Many Requests."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "registration/locked_out.html", context, status=429)
