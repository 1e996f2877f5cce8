"""User administration for the `admin` role: the users of their own authority, nothing else.

Cases are not registered here: they are reached only through the scoped pages and API.
"""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from comity.accounts.choices import Role
from comity.accounts.models import Authority, User
from comity.accounts.services import admin_save, mfa_reset, user_unlock

admin.site.site_header = _("Comity administration")
admin.site.site_title = _("Comity")


def _is_authority_admin(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and (user.is_superuser or getattr(user, "role", None) == Role.ADMIN))


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
