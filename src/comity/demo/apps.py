from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Synthetic, deterministic demo data; it sits above every other app and feeds each one."""

    name = "comity.demo"
    verbose_name = "Demo data"
