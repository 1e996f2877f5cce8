from django.apps import AppConfig


class CooperationConfig(AppConfig):
    name = "comity.cooperation"
    verbose_name = "Cooperation requests"
