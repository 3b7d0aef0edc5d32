"""Domain events for integrations: `publish("lead.created", lead)` from a service.

The services sit in low layers (activities, leads, opportunities) and must not import the
integrations above them (webhooks), so they announce what happened here and the webhooks
app subscribes in its AppConfig.ready. The hook carries no business logic: a subscriber
only records the event (webhooks writes an outbox row in the caller's transaction, so the
event commits or rolls back with the change) and queues its delivery after commit. With
no subscriber registered, `publish` does nothing.

`publish_many("lead.created", leads)` is the set-based form for bulk writes (the import):
a subscriber registered with `many=` gets all instances in one call (a few statements
for the whole batch); one without gets them one by one.

Bottom layer, next to `ui`: it imports nothing of LeadCRM.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

EVENTS = (
    "lead.created",
    "lead.updated",
    "lead.status_changed",
    "lead.assigned",
    "lead.converted",
    "activity.created",
    "opportunity.created",
    "opportunity.updated",
)

Subscriber = Callable[[str, Any], None]
ManySubscriber = Callable[[str, Sequence[Any]], None]

_subscribers: list[Subscriber] = []
_many: dict[Subscriber, ManySubscriber] = {}


def subscribe(subscriber: Subscriber, *, many: ManySubscriber | None = None) -> None:
    """Register `subscriber(event, instance)`; `many(event, instances)`, if given, takes
    the events of `publish_many` in one call."""
    if subscriber not in _subscribers:
        _subscribers.append(subscriber)
    if many is not None:
        _many[subscriber] = many


def _check(event: str) -> None:
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}")


def publish(event: str, instance: Any) -> None:
    _check(event)
    for subscriber in _subscribers:
        subscriber(event, instance)


def publish_many(event: str, instances: Sequence[Any]) -> None:
    """`publish(event, instance)` for each of `instances`, set-based where the subscriber
    allows it."""
    _check(event)
    instances = list(instances)
    if not instances:
        return
    for subscriber in _subscribers:
        many = _many.get(subscriber)
        if many is not None:
            many(event, instances)
        else:
            for instance in instances:
                subscriber(event, instance)
