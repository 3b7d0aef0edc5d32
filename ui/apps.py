from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UiConfig(AppConfig):
    name = "ui"
    verbose_name = _("Oberfläche")

    def ready(self):
        from ui import checks  # noqa: F401  reason: registers the system checks on import
