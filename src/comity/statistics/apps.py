from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    """Read-only figures over cooperation requests (and later assets): nothing here writes cases."""

    name = "comity.statistics"
    verbose_name = "Statistics"
