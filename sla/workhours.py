"""Working-hours arithmetic: when is a response due, N working hours after a moment?

The clock runs only inside the working hours (weekdays, from/to, in Europe/Berlin wall
time) and stops on the public holidays of the chosen Bundesland (`holidays` package).
Everything is computed on local wall-clock times and converted back to an aware moment,
so a DST change never shifts a working day (08:00 stays 08:00).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

BERLIN = ZoneInfo("Europe/Berlin")
MAX_DAYS = 3660  # a calendar without any working day cannot loop forever


@dataclass(frozen=True)
class Calendar:
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    start: dt.time = dt.time(8, 0)
    end: dt.time = dt.time(17, 0)
    state: str = ""  # Bundesland code ("" = nationwide holidays only)

    @classmethod
    def of(cls, hours) -> Calendar:
        """The calendar of a `WorkingHours` row (None: Mon–Fri 08:00–17:00, nationwide)."""
        if hours is None:
            return cls()
        return cls(tuple(hours.weekdays), hours.start, hours.end, hours.state or "")

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() in self.weekdays and day not in _holidays(self.state, day.year)


@lru_cache(maxsize=256)
def _holidays(state: str, year: int) -> frozenset[dt.date]:
    found = holidays.country_holidays("DE", subdiv=state or None, years=year)
    return frozenset(found)


def _local(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=BERLIN)


def add_working_hours(moment: dt.datetime, hours: Decimal | float | int, calendar: Calendar):
    """The aware moment `hours` working hours after `moment` (aware) in `calendar`.

    A moment outside the working hours starts counting at the next working start; the
    due time of a budget that ends exactly at closing time is closing time, not the next
    morning.
    """
    remaining = dt.timedelta(minutes=round(float(hours) * 60))
    local = moment.astimezone(BERLIN)
    day, time = local.date(), local.time().replace(tzinfo=None)
    for _ in range(MAX_DAYS):
        if calendar.is_working_day(day) and time < calendar.end:
            begin = max(time, calendar.start)
            available = dt.datetime.combine(day, calendar.end) - dt.datetime.combine(day, begin)
            if remaining <= available:
                wall = dt.datetime.combine(day, begin) + remaining
                return _local(wall.date(), wall.time()).astimezone(dt.UTC)
            remaining -= available
        day += dt.timedelta(days=1)
        time = dt.time.min
    raise ValueError("calendar without working days")


def working_hours_between(start: dt.datetime, end: dt.datetime, calendar: Calendar) -> float:
    """Working hours from `start` to `end` (0 when end is not after start)."""
    if end <= start:
        return 0.0
    a, b = start.astimezone(BERLIN), end.astimezone(BERLIN)
    total = dt.timedelta()
    day = a.date()
    for _ in range(MAX_DAYS):
        if day > b.date():
            break
        if calendar.is_working_day(day):
            lo = dt.datetime.combine(day, calendar.start)
            hi = dt.datetime.combine(day, calendar.end)
            if day == a.date():
                lo = max(lo, a.replace(tzinfo=None))
            if day == b.date():
                hi = min(hi, b.replace(tzinfo=None))
            if hi > lo:
                total += hi - lo
        day += dt.timedelta(days=1)
    return total.total_seconds() / 3600
