from django.apps import AppConfig


class AssetsConfig(AppConfig):
    name = "comity.assets"
    verbose_name = "Asset recovery"
