from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "comity.accounts"
    verbose_name = "Authorities and users"
