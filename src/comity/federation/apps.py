from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    name = "comity.federation"
    verbose_name = _("Federation")

    def ready(self) -> None:
        # The alerts' appliers write through the network's services, loaded with the models.
        from comity.federation import alerts, services

        services.ALERT_APPLIERS.update({"alert": alerts.alert_apply, "alert.answer": alerts.answer_apply})
