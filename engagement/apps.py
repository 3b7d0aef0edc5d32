from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    name = "engagement"
    verbose_name = _("Engagement")

    def ready(self) -> None:
        from anymail.signals import tracking  # noqa: PLC0415  # reason: needs a ready app registry

        from engagement.receivers import on_tracking  # noqa: PLC0415  # reason: models need a ready app registry

        tracking.connect(on_tracking, dispatch_uid="engagement.tracking_events")
