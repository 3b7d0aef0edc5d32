"""Reads for the start page "Mein Tag": what a sales rep should look at first today.

Every block is one bounded query (a few rows or a capped COUNT), so the page costs the
same number of queries whether the user has ten leads or a hundred thousand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from activities.models import Activity
from leads.models import Lead
from notifications.models import Notification

OVERDUE_SIZE = 10
APPOINTMENT_SIZE = 10
APPOINTMENT_DAYS = 7
TOP_LEADS_SIZE = 5
COUNT_CAP = 99  # "99+": never count a whole big table for a badge


@dataclass
class MyDay:
    today: dt.date
    overdue: list[Lead]
    overdue_count: int
    appointments: list[Activity]
    top_leads: list[Lead]
    unread_count: int

    @property
    def overdue_more(self) -> bool:
        return self.overdue_count > len(self.overdue)

    @property
    def overdue_capped(self) -> bool:
        return self.overdue_count > COUNT_CAP


def _capped_count(qs) -> int:
    return qs.order_by().values("id")[: COUNT_CAP + 1].count()


def overdue_follow_ups(user, today: dt.date):
    """My open leads whose "Nachbetreuung bis" has passed (same rule as the list's filter)."""
    return Lead.objects.active().overdue(today).filter(follow_up_by=user)


def upcoming_appointments(user, now: dt.datetime) -> list[Activity]:
    """Open appointments delegated to me from now until the end of the seventh day ahead."""
    end_day = timezone.localtime(now).date() + dt.timedelta(days=APPOINTMENT_DAYS + 1)
    until = timezone.make_aware(dt.datetime.combine(end_day, dt.time.min))
    return list(
        Activity.objects.appointments()
        .open()
        .filter(delegated_to=user, start__gte=now, start__lt=until)
        .select_related("person", "company")
        .order_by("start", "id")[:APPOINTMENT_SIZE]
    )


def my_day(user) -> MyDay:
    now = timezone.now()
    today = timezone.localdate(now)
    overdue_qs = overdue_follow_ups(user, today)
    overdue = list(
        overdue_qs.select_related("status", "customer").order_by("follow_up_until", "id")[
            :OVERDUE_SIZE
        ]
    )
    top_leads = list(
        Lead.objects.open()
        .active()
        .filter(follow_up_by=user, closed_at__isnull=True)
        .select_related("status")
        .order_by("-score", "-id")[:TOP_LEADS_SIZE]
    )
    appointments = upcoming_appointments(user, now)
    for appointment in appointments:  # "Heute" badge in local time, not the UTC date
        appointment.is_today = timezone.localdate(appointment.start) == today
    return MyDay(
        today=today,
        overdue=overdue,
        overdue_count=_capped_count(overdue_qs),
        appointments=appointments,
        top_leads=top_leads,
        unread_count=_capped_count(Notification.objects.for_user(user).unread()),
    )
