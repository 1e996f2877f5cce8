from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "comity.ledger"
    verbose_name = "Transparency log of returned assets"
