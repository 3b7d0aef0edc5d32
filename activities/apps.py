from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("Aktivitäten")

    def ready(self) -> None:
        from anymail.signals import tracking

        from activities.webhooks import on_tracking

        tracking.connect(on_tracking, dispatch_uid="activities.delivery_tracking")
