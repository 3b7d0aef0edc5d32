from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboundConfig(AppConfig):
    name = "inbound"
    verbose_name = _("E-Mail-Eingang")

    def ready(self) -> None:
        from anymail.signals import inbound  # app registry must be ready

        from inbound.receivers import on_inbound

        inbound.connect(on_inbound, dispatch_uid="inbound.on_inbound")
