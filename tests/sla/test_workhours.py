"""Working-hours arithmetic: nights, weekends, holidays of a Bundesland, DST changes."""

import datetime as dt
from decimal import Decimal

import pytest

from sla.workhours import BERLIN, Calendar, add_working_hours, working_hours_between

STANDARD = Calendar()  # Mon–Fri 08:00–17:00, nationwide holidays
BAYERN = Calendar(state="BY")


def at(*args):
    return dt.datetime(*args, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("start", "hours", "calendar", "due"),
    [
        # within one day
        (at(2026, 11, 24, 9, 0), 4, STANDARD, at(2026, 11, 24, 13, 0)),
        # ends exactly at closing time: closing time, not the next morning
        (at(2026, 11, 24, 13, 0), 4, STANDARD, at(2026, 11, 24, 17, 0)),
        # across the night
        (at(2026, 11, 24, 15, 0), 4, STANDARD, at(2026, 11, 25, 10, 0)),
        # Friday evening: counted from Monday 08:00
        (at(2026, 11, 27, 18, 30), 4, STANDARD, at(2026, 11, 30, 12, 0)),
        # Friday afternoon: the rest goes to Monday
        (at(2026, 11, 27, 16, 0), 4, STANDARD, at(2026, 11, 30, 11, 0)),
        # Saturday night and early morning before work
        (at(2026, 11, 28, 23, 0), 1, STANDARD, at(2026, 11, 30, 9, 0)),
        (at(2026, 11, 24, 6, 0), Decimal("0.5"), STANDARD, at(2026, 11, 24, 8, 30)),
        # Heilige Drei Könige (6 January) is a holiday in Bayern, not nationwide
        (at(2026, 1, 5, 15, 0), 4, BAYERN, at(2026, 1, 7, 10, 0)),
        (at(2026, 1, 5, 15, 0), 4, STANDARD, at(2026, 1, 6, 10, 0)),
        # Easter: Good Friday and Easter Monday nationwide
        (at(2026, 4, 2, 16, 0), 2, STANDARD, at(2026, 4, 7, 9, 0)),
        # Christmas Day and Boxing Day (24 December is a working day)
        (at(2026, 12, 24, 16, 0), 2, STANDARD, at(2026, 12, 28, 9, 0)),
        # DST starts on Sunday 29 March 2026: Monday still starts at 08:00 local
        (at(2026, 3, 27, 15, 0), 4, STANDARD, at(2026, 3, 30, 10, 0)),
        # DST ends on Sunday 25 October 2026
        (at(2026, 10, 23, 16, 0), 2, STANDARD, at(2026, 10, 26, 9, 0)),
    ],
)
def test_due_time(start, hours, calendar, due):
    assert add_working_hours(start, hours, calendar) == due


def test_utc_input_and_output_is_aware_utc():
    start = dt.datetime(2026, 3, 27, 14, 0, tzinfo=dt.UTC)  # 15:00 CET
    due = add_working_hours(start, 4, STANDARD)
    assert due.tzinfo is dt.UTC
    # Monday 10:00 CEST = 08:00 UTC (the offset changed over the weekend)
    assert due == dt.datetime(2026, 3, 30, 8, 0, tzinfo=dt.UTC)


def test_weekend_shift_calendar():
    saturday_only = Calendar(weekdays=(5,), start=dt.time(10, 0), end=dt.time(14, 0))
    assert add_working_hours(at(2026, 11, 24, 9, 0), 6, saturday_only) == at(2026, 12, 5, 12, 0)


def test_calendar_without_working_days_raises():
    with pytest.raises(ValueError):
        add_working_hours(at(2026, 11, 24, 9, 0), 1, Calendar(weekdays=()))


def test_working_hours_between_is_the_inverse():
    start = at(2026, 11, 27, 16, 0)
    due = add_working_hours(start, 4, STANDARD)
    assert working_hours_between(start, due, STANDARD) == pytest.approx(4)
    assert working_hours_between(due, start, STANDARD) == 0
