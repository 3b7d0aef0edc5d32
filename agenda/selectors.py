"""Reads of the calendar: a user's appointments and tasks in a period, the feed window."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from activities.models import Activity, ActivityKind, ActivityStatus
from leads.models import Lead

# a page never loads more than this (a period has far fewer for a real person)
MAX_ENTRIES = 500
FEED_PAST = dt.timedelta(days=90)
FEED_FUTURE = dt.timedelta(days=365)
MAX_FEED_EVENTS = 3000

CALENDAR_KINDS = (ActivityKind.APPOINTMENT, ActivityKind.TASK)


def user_entries(*, user, start: dt.datetime, end: dt.datetime) -> QuerySet:
    """The user's appointments and tasks that touch [start, end), earliest first, with
    their contact, company and leads loaded (constant queries per page)."""
    return (
        Activity.objects.filter(delegated_to=user, kind__in=CALENDAR_KINDS, start__lt=end)
        .filter(Q(end__gte=start) | Q(end__isnull=True, start__gte=start))
        .select_related("person", "company")
        .prefetch_related(
            Prefetch("leads", queryset=Lead.objects.only("id", "number", "appointment_id"))
        )
        .order_by("start", "id")[:MAX_ENTRIES]
    )


def feed_appointments(*, user, now=None) -> QuerySet:
    """The feed: the user's appointments from 90 days back to 365 days ahead (cancelled
    ones too, so subscribed clients drop them), bounded in count."""
    now = now or timezone.now()
    return (
        Activity.objects.filter(
            delegated_to=user,
            kind=ActivityKind.APPOINTMENT,
            start__gte=now - FEED_PAST,
            start__lt=now + FEED_FUTURE,
        )
        .select_related("person", "company", "delegated_to", "delegated_by")
        .prefetch_related("recipients")
        .order_by("start", "id")[:MAX_FEED_EVENTS]
    )


@dataclass
class Day:
    date: dt.date
    entries: list = field(default_factory=list)
    in_month: bool = True
    is_today: bool = False


def days_with_entries(entries, first: dt.date, last: dt.date, *, month: int | None = None):
    """One Day per date in [first, last], each with the entries that touch it (local time)."""
    today = timezone.localdate()
    days = {}
    current = first
    while current <= last:
        days[current] = Day(
            date=current,
            in_month=month is None or current.month == month,
            is_today=current == today,
        )
        current += dt.timedelta(days=1)
    for entry in entries:
        begin = timezone.localtime(entry.start).date()
        finish = timezone.localtime(entry.end).date() if entry.end else begin
        day = max(begin, first)
        while day <= min(finish, last):
            days[day].entries.append(entry)
            day += dt.timedelta(days=1)
    return list(days.values())


def is_open(entry: Activity) -> bool:
    return entry.status == ActivityStatus.OPEN
