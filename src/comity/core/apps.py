from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "comity.core"
    verbose_name = "Core"
