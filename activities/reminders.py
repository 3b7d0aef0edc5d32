"""Appointment reminders: one notification per appointment and start time.

The dedupe key contains the start, so moving an appointment re-arms its reminder while
a job that runs twice (or overlapping beats) never reminds twice.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from activities.models import Activity
from notifications.models import Kind, Priority
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
            title=_("Termin um %(time)s: %(subject)s")
            % {
                "time": date_format(timezone.localtime(activity.start), "H:i"),
                "subject": activity.subject,
            },
            text=_("Beginnt am %(when)s.")
            % {"when": date_format(timezone.localtime(activity.start), "d.m.Y H:i")},
            kind=Kind.APPOINTMENT_REMINDER,
            priority=Priority.A,
            entity=activity,
            url=activity.get_absolute_url(),
            dedupe_key=f"reminder:{activity.id}:{activity.start.isoformat()}",
        )
        for activity in due
    ]
    return notify_many(items)
