"""Recording events in the outbox: one delivery row per interested subscription, written in
the transaction of the change (so an event is never sent for a change that rolled back,
and never lost for one that committed), its task queued after commit.

The payload follows the Standard Webhooks shape {"type", "timestamp", "data"}; `data` is
the object as the REST API shows it (api/serializers.py), so a receiver can use the same
client code for both.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from rest_framework.utils.encoders import JSONEncoder

from activities.models import Activity
from api import serializers
from leads.models import Lead
from opportunities.models import Opportunity
from webhooks.models import WebhookDelivery, WebhookSubscription
from webhooks.tasks import deliver_webhook

log = logging.getLogger(__name__)

SERIALIZERS = {
    Lead: serializers.LeadSerializer,
    Activity: serializers.ActivitySerializer,
    Opportunity: serializers.OpportunitySerializer,
}


def payload_for(event: str, instance: Any) -> dict:
    serializer = SERIALIZERS[type(instance)]
    data = serializer(instance).data
    # round-trip through JSON types (dates, decimals) as the receiver will see them
    return {
        "type": event,
        "timestamp": timezone.now().isoformat(),
        "data": _jsonable(data),
    }


def _jsonable(data):
    return json.loads(json.dumps(data, cls=JSONEncoder))


def _subscriptions_for(event: str) -> list[WebhookSubscription]:
    return [s for s in WebhookSubscription.objects.filter(active=True) if s.wants(event)]


def record_event(event: str, instance: Any) -> list[WebhookDelivery]:
    """The events hub's subscriber: outbox rows for the active subscriptions of `event`."""
    subscriptions = _subscriptions_for(event)
    if not subscriptions:
        return []
    return _store(event, subscriptions, [payload_for(event, instance)])


def record_events(event: str, instances: Sequence[Any]) -> list[WebhookDelivery]:
    """`record_event` for a batch (the import): one subscription query, the payloads from
    one serialisation with the leads' interests prefetched, one bulk insert. Nothing is
    read when no active subscription wants `event`."""
    subscriptions = _subscriptions_for(event)
    if not subscriptions or not instances:
        return []
    model = type(instances[0])
    queryset = model.objects.filter(pk__in=[i.pk for i in instances])
    if model is Lead:
        queryset = queryset.prefetch_related("interests")
    fresh = {obj.pk: obj for obj in queryset}
    now = timezone.now().isoformat()
    data = _jsonable(SERIALIZERS[model]([fresh[i.pk] for i in instances], many=True).data)
    payloads = [{"type": event, "timestamp": now, "data": item} for item in data]
    return _store(event, subscriptions, payloads)


def _store(
    event: str, subscriptions: list[WebhookSubscription], payloads: list[dict]
) -> list[WebhookDelivery]:
    """One outbox row per subscription and payload, queued after the commit."""
    deliveries = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                subscription=subscription,
                message_id=f"msg_{uuid.uuid4().hex}",
                event=event,
                payload=payload,
            )
            for payload in payloads
            for subscription in subscriptions
        ],
        batch_size=1000,
    )
    ids = [d.pk for d in deliveries if d.pk is not None]
    if ids:
        transaction.on_commit(lambda: queue_deliveries(ids))
    return deliveries


def queue_deliveries(ids: list[int]) -> None:
    """Hand the ids to the broker; if it is down the rows stay due for the beat re-scan."""
    for delivery_id in ids:
        try:
            deliver_webhook.delay(delivery_id)
        except Exception:  # kombu OperationalError, redis ConnectionError, …
            log.exception("Could not queue webhook delivery %s; beat will send it", delivery_id)
