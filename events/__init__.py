"""Domain events for integrations: `publish("lead.created", lead)` from a service.

The services sit in low layers (activities, leads, opportunities) and must not import the
integrations above them (webhooks), so they announce what happened here and the webhooks
app subscribes in its AppConfig.ready. The hook carries no business logic: a subscriber
only records the event (webhooks writes an outbox row in the caller's transaction, so the
event commits or rolls back with the change) and queues its delivery after commit. With
no subscriber registered, `publish` does nothing.

Bottom layer, next to `ui`: it imports nothing of LeadCRM.
"""

from __future__ import annotations

from collections.abc import Callable
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

_subscribers: list[Callable[[str, Any], None]] = []


def subscribe(subscriber: Callable[[str, Any], None]) -> None:
    if subscriber not in _subscribers:
        _subscribers.append(subscriber)


def publish(event: str, instance: Any) -> None:
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}")
    for subscriber in _subscribers:
        subscriber(event, instance)
