from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from comity.accounts.choices import AuthorityKind, Role
from comity.reference.vocabulary import Vocabulary, register


class AccountsConfig(AppConfig):
    name = "comity.accounts"
    verbose_name = "Authorities and users"

    def ready(self) -> None:
        # Connects the receivers (Django's convention: signals are connected as the app is ready).
        from comity.accounts import signals  # noqa: F401

        register(Vocabulary("authority_kind", _("Kind of authority"), AuthorityKind))
        register(Vocabulary("user_role", _("Role of a user"), Role))
