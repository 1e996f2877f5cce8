"""User administration for the `admin` role: the users of their own authority, nothing else.

Cases are not registered here: they are reached only through the scoped pages and API. Every
save goes through accounts.services, so it is audited; the second-factor devices and the login
attempts that django-otp and django-axes register are for reading only (their writers are the
audited enrolment, reset and unlock).
"""

import copy
import functools
from typing import Any

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from comity.accounts.choices import Role
from comity.accounts.models import Authority, User
from comity.accounts.services import admin_save, mfa_reset, password_change, password_disable, user_unlock

admin.site.site_header = _("Comity administration")
admin.site.site_title = _("Comity")


def _is_authority_admin(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and (user.is_superuser or getattr(user, "role", None) == Role.ADMIN))


class AdminPasswordForm(AdminPasswordChangeForm):
    """Django's form for setting another user's password, writing it through accounts.services:
    checked against the same rules and audited as every other change of a password."""

    def __init__(self, user: User, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.actor = actor

    def save(self, commit: bool = True) -> User:
        if self.cleaned_data["set_usable_password"]:
            self.user = password_change(
                actor=self.actor, user=self.user, password=self.cleaned_data["password1"]
            )
        else:
            self.user = password_disable(actor=self.actor, user=self.user)
        return self.user


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "role", "authority", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("first_name", "last_name", "email")}),
        (_("Work"), {"fields": ("authority", "role", "is_active")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "authority", "role", "password1", "password2")}),
    )
    readonly_fields = ("last_login", "date_joined")

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        users = super().get_queryset(request).select_related("authority")
        if request.user.is_superuser:
            return users
        return users.filter(authority__users=request.user.pk)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "authority" and not request.user.is_superuser:
            kwargs["queryset"] = Authority.objects.filter(users=request.user.pk)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_authority_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_authority_admin(request)

    has_change_permission = has_view_permission
    has_add_permission = has_module_permission

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead: the audit trail keeps pointing at the user

    actions = ["unlock", "reset_two_factor"]

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        admin_save(actor=request.user, obj=obj, fields=form.changed_data, created=not change)  # type: ignore[arg-type]

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        """Django's page, its form knowing who acts. The form is set on a copy made for this request:
        the admin object itself is shared by every request the process serves."""
        for_request = copy.copy(self)
        for_request.change_password_form = functools.partial(AdminPasswordForm, actor=request.user)  # type: ignore[arg-type]
        return super(UserAdmin, for_request).user_change_password(request, id, form_url)

    @admin.action(description=_("Reset two-factor authentication (a lost phone)"))
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            mfa_reset(actor=request.user, user=user)  # type: ignore[arg-type]
        self.message_user(
            request,
            _("Two-factor authentication reset for: %(names)s.")
            % {"names": ", ".join(u.username for u in queryset)},
        )

    @admin.action(description=_("Unlock after failed logins"))
    def unlock(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            user_unlock(actor=request.user, user=user)  # type: ignore[arg-type]
        self.message_user(
            request, _("Unlocked: %(names)s.") % {"names": ", ".join(u.username for u in queryset)}
        )


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ("name", "country", "kind", "external")
    list_filter = ("kind", "external")
    search_fields = ("name",)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_authority_admin(request)

    # Not an alias of has_module_permission: Django calls this one with the object too.
    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_authority_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Authority, form: Any, change: bool) -> None:
        admin_save(actor=request.user, obj=obj, fields=form.changed_data, created=not change)  # type: ignore[arg-type]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown to whoever may view it, changed by no one here."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


# A device added here would be a second factor no one enrolled; one deleted, a reset no one
# audited; a login attempt or log deleted, a lockout lifted or a trace erased without a record.
for _model, _admin in (
    (TOTPDevice, TOTPDeviceAdmin),
    (StaticDevice, StaticDeviceAdmin),
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
):
    admin.site.unregister(_model)
    admin.site.register(_model, type(_admin.__name__, (ReadOnlyAdmin, _admin), {}))
