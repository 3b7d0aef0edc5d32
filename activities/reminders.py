"""Appointment reminders: one notification per appointment and start time.

The dedupe key contains the start, so moving an appointment re-arms its reminder while
a job that runs twice (or overlapping beats) never reminds twice.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from activities.models import Activity
from notifications.kinds import dedupe_key
from notifications.models import Kind
from notifications.services import NotificationItem, notify_many


def appointment_reminders_send(*, now=None) -> int:
    now = now or timezone.now()
    minutes = settings.LEADCRM["APPOINTMENT_REMINDER_MINUTES"]
    due = (
        Activity.objects.appointments()
        .open()
        .filter(start__gt=now, start__lte=now + timedelta(minutes=minutes))
        .filter(delegated_to__isnull=False, delegated_to__is_active=True)
        .select_related("delegated_to")
    )
    items = [
        NotificationItem(
            recipient=activity.delegated_to,
            kind=Kind.APPOINTMENT_REMINDER,
            params={
                "time": activity.start.isoformat(),
                "when": activity.start.isoformat(),
                "subject": activity.subject,
            },
            entity=activity,
            url=activity.get_absolute_url(),
            dedupe_key=dedupe_key(
                Kind.APPOINTMENT_REMINDER, activity=activity.id, start=activity.start.isoformat()
            ),
        )
        for activity in due
    ]
    return notify_many(items)
