"""anymail's `tracking` signal → one EngagementEvent per open or click (no other logic)."""

from __future__ import annotations

from django.utils import timezone

from activities.models import Activity
from engagement.models import EngagementEvent, Signal

_SIGNALS = {"opened": Signal.OPEN, "clicked": Signal.CLICK}


def engagement_record_tracking(event) -> int:
    """Log an open/click for every lead of the mail; returns the rows written (0 for a
    repeat, an unknown message or another event type)."""
    signal = _SIGNALS.get(getattr(event, "event_type", "") or "")
    message_id = str(getattr(event, "message_id", "") or "")[:200]
    if signal is None or not message_id:
        return 0
    at = getattr(event, "timestamp", None) or timezone.now()
    lead_ids = list(
        Activity.objects.filter(esp_message_id=message_id)
        .values_list("leads__id", flat=True)
        .exclude(leads__id=None)
    )
    # a webhook the ESP repeats carries the same event: the unique constraint drops it
    # (the count below only reports it; bulk_create cannot tell which rows were new)
    known = set(
        EngagementEvent.objects.filter(
            lead_id__in=lead_ids, signal=signal, message_id=message_id, occurred_at=at
        ).values_list("lead_id", flat=True)
    )
    rows = [
        EngagementEvent(
            lead_id=lead_id,
            signal=signal,
            occurred_at=at,
            message_id=message_id,
            esp_event_id=str(getattr(event, "event_id", "") or "")[:200],
        )
        for lead_id in set(lead_ids) - known
    ]
    EngagementEvent.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def on_tracking(sender, event, esp_name, **kwargs) -> None:
    engagement_record_tracking(event)
