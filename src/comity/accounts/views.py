"""A user's own account: password, API tokens. Thin: parse, call a service, render."""

from base64 import b32encode
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from comity.accounts import selectors, services
from comity.accounts.forms import OwnPasswordForm, SecondFactorForm, TokenForm
from comity.accounts.http import AuthedRequest
from comity.accounts.mfa import mfa_enrolled, mfa_required
from comity.accounts.middleware import NO_DEVICE
from comity.accounts.models import User
from comity.core.forms import add_service_errors


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


@require_POST
def language_choose(request: HttpRequest) -> HttpResponse:
    """The language switcher of every page: the chosen language for this browser (a cookie) and,
    for a logged-in user, in their profile; back to the same page, whose address does not change."""
    code = services.language_code(request.POST.get("language", ""))
    if request.user.is_authenticated:
        assert isinstance(request.user, User)
        services.user_language_set(actor=request.user, language=code)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = "/"
    response = (
        HttpResponse(status=204, headers={"HX-Refresh": "true"})
        if getattr(request, "htmx", False)
        else redirect(back)
    )
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
    )
    return response


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
    context = {
        "form": form,
        "tokens": tokens,
        "secret": secret,
        "mfa_enrolled": mfa_enrolled(request.user),
        "mfa_required": mfa_required(request.user),
        "security_keys": list(selectors.security_keys_of(request.user)),
    }
    return render(request, "accounts/account.html", context)


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

    def form_valid(self, form: Any) -> HttpResponse:
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


def locked_out(
    request: HttpRequest, credentials: dict | None = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """What a login locked out by django-axes answers (AXES_LOCKOUT_CALLABLE): the site's page
    saying for how long, 429 Too Many Requests."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "registration/locked_out.html", context, status=429)


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if url_has_allowed_host_and_scheme(target, {request.get_host()}) else resolve_url("home")


@login_required
@require_http_methods(["GET", "POST"])
def mfa_verify(request: AuthedRequest) -> HttpResponse:
    """The second step of a login: a code of the user's authenticator, or a recovery code."""
    if not mfa_enrolled(request.user):
        return redirect("mfa-setup")
    if request.user.is_verified():  # type: ignore[attr-defined]
        return redirect(_next(request))  # given already (a security key, in another tab)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.mfa_verify(user=request.user, token=form.cleaned_data["otp_token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("otp_token", _("This code is not valid: give the one your app shows now."))
    context = {
        "form": form,
        "next": _next(request),
        "security_keys": selectors.security_keys_of(request.user).exists(),
    }
    return render(request, "accounts/mfa_verify.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def mfa_setup(request: AuthedRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the code, give a code it shows, keep the recovery codes.
    A user who already gave their second factor this session may replace it."""
    if mfa_enrolled(request.user) and not request.user.is_verified():  # type: ignore[attr-defined]
        return redirect("mfa-verify")
    form = SecondFactorForm(request.POST or None)
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if request.method == "POST" and device is not None and form.is_valid():
        try:
            codes = services.mfa_confirm(
                actor=request.user, user=request.user, device=device, token=form.cleaned_data["otp_token"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            device.refresh_from_db()
            otp_login(request, device)
            request.session[NO_DEVICE] = False
            return render(request, "accounts/mfa_codes.html", {"codes": codes, "next": _next(request)})
    if device is None or request.method == "GET":
        device = services.mfa_start(actor=request.user, user=request.user)
    qr = mark_safe(segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#000", light="#fff"))
    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/mfa_setup.html",
        {
            "form": form,
            "qr": qr,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "next": _next(request),
        },
    )


@login_required
@require_POST
def mfa_recovery_codes(request: AuthedRequest) -> HttpResponse:
    if not request.user.is_verified():  # type: ignore[attr-defined]
        return redirect("mfa-verify")
    codes = services.mfa_recovery_codes_renew(actor=request.user, user=request.user)
    return render(request, "accounts/mfa_codes.html", {"codes": codes, "next": resolve_url("account")})
