"""Working days for the wait steps of a sequence: Monday to Friday.

A wait of N working days ends on the N-th working day after today; mail and task steps
run only on working days, from `LEADCRM_SEQUENCE_SEND_HOUR` (local time, default 9), so
a nurture mail never arrives on a Sunday night. Public holidays are not counted yet (the
`holidays` package is not installed in this project).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone


def send_hour() -> int:
    return int(getattr(settings, "LEADCRM_SEQUENCE_SEND_HOUR", 9))


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5


def next_working_day(day: dt.date) -> dt.date:
    """`day` itself if it is a working day, else the next one."""
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def add_working_days(day: dt.date, days: int) -> dt.date:
    """The `days`-th working day after `day` (0: `day` or the next working day)."""
    if days <= 0:
        return next_working_day(day)
    while days:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def at_send_hour(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(send_hour())))


def earliest_run(now: dt.datetime) -> dt.datetime:
    """`now` if it is within a working day's sending time, else the next working day's
    send hour."""
    local = timezone.localtime(now)
    if is_working_day(local.date()) and local.hour >= send_hour():
        return now
    if is_working_day(local.date()):
        return at_send_hour(local.date())
    return at_send_hour(next_working_day(local.date()))


def after_wait(now: dt.datetime, days: int) -> dt.datetime:
    """When a wait of `days` working days begun at `now` ends."""
    return at_send_hour(add_working_days(timezone.localtime(now).date(), days))
