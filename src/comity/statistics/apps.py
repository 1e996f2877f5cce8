from django.apps import AppConfig

from comity.core.transfers import register_export, register_import


class StatisticsConfig(AppConfig):
    """Figures over cooperation requests and asset cases, and the States' submissions of them."""

    name = "comity.statistics"
    verbose_name = "Statistics"

    def ready(self) -> None:
        # The handlers need the models, which are ready only now.
        from comity.statistics import commands

        register_import(commands.IMPORT)
        register_export(commands.EXPORT)
