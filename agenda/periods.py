"""The period a calendar page shows, parsed from the URL without ever failing.

`?woche=2026-W49` (ISO week) or `?datum=2026-12-03` for the week view, `?monat=2026-12`
for the month view; anything malformed or outside 1900–2200 falls back to today.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone

from ui.dates import MAX_YEAR, MIN_YEAR, parse_sane_date

_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


@dataclass(frozen=True)
class Period:
    first: dt.date  # first day shown
    last: dt.date  # last day shown (inclusive)
    anchor: dt.date  # the week's Monday or the month's first day
    previous: dt.date
    following: dt.date

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) as aware datetimes in the current time zone."""
        tz = timezone.get_current_timezone()
        start = dt.datetime.combine(self.first, dt.time.min, tzinfo=tz)
        end = dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        return start, end


def _in_range(day: dt.date) -> bool:
    return MIN_YEAR <= day.year <= MAX_YEAR


def _clamp(day: dt.date, today: dt.date) -> dt.date:
    return day if _in_range(day) else today


def week_of(params) -> Period:
    today = timezone.localdate()
    day = None
    match = _WEEK.match(str(params.get("woche", ""))[:10])
    if match:
        try:
            day = dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            day = None
    if day is None:
        day = parse_sane_date(params.get("datum")) or today
    day = _clamp(day, today)
    monday = day - dt.timedelta(days=day.weekday())
    if not (_in_range(monday) and _in_range(monday + dt.timedelta(days=13))):
        monday = today - dt.timedelta(days=today.weekday())
    return Period(
        first=monday,
        last=monday + dt.timedelta(days=6),
        anchor=monday,
        previous=monday - dt.timedelta(days=7),
        following=monday + dt.timedelta(days=7),
    )


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_of(params) -> Period:
    today = timezone.localdate()
    first = None
    match = _MONTH.match(str(params.get("monat", ""))[:7])
    if match and 1 <= int(match[2]) <= 12 and MIN_YEAR < int(match[1]) < MAX_YEAR:
        first = dt.date(int(match[1]), int(match[2]), 1)
    if first is None:
        day = parse_sane_date(params.get("datum")) or today
        first = day.replace(day=1)
    if not (MIN_YEAR < first.year < MAX_YEAR):
        first = today.replace(day=1)
    last_of_month = _add_months(first, 1) - dt.timedelta(days=1)
    grid_first = first - dt.timedelta(days=first.weekday())
    grid_last = last_of_month + dt.timedelta(days=6 - last_of_month.weekday())
    return Period(
        first=grid_first,
        last=grid_last,
        anchor=first,
        previous=_add_months(first, -1),
        following=_add_months(first, 1),
    )


def week_param(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def month_param(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"
