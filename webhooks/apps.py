from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

import events


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        # the services announce events through the bottom-layer hub; webhooks records them
        # in its outbox (events/__init__.py explains why this is not business logic)
        from webhooks.outbox import record_event, record_events  # noqa: PLC0415  # reason: models need a ready app registry

        events.subscribe(record_event, many=record_events)
