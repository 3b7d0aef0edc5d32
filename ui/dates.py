"""The one sane range for dates and times entered anywhere (forms, filters, import, API).

A value outside 1900–2200 is refused: a date in year 1 shifted to UTC lands in year 0,
which PostgreSQL stores but Python can never read back (the page and every export of that
row answer 500), and year 9999 overflows when a filter adds a day or a time zone.

- `validate_sane_date` is the validator (model fields, form fields, the import);
- `SaneDateField` / `SaneDateTimeField` are form fields that carry it;
- `sane_date_range(field)` is the database CheckConstraint condition, so the model refuses
  such values even when code writes them without a form;
- `parse_sane_date(text)` reads a GET parameter, giving None for anything unusable.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MIN_YEAR, MAX_YEAR = 1900, 2200
MIN_DATE = dt.date(MIN_YEAR, 1, 1)
MAX_DATE = dt.date(MAX_YEAR, 12, 31)
# bounds for DateTimeField constraints (UTC; a day of margin keeps every time zone inside)
MIN_DATETIME = dt.datetime(MIN_YEAR, 1, 1, tzinfo=dt.UTC)
MAX_DATETIME = dt.datetime(MAX_YEAR, 12, 31, 23, 59, 59, tzinfo=dt.UTC)


def in_sane_range(value) -> bool:
    if value is None:
        return True
    day = value.date() if isinstance(value, dt.datetime) else value
    return MIN_DATE <= day <= MAX_DATE


def validate_sane_date(value) -> None:
    if not in_sane_range(value):
        raise ValidationError(
            _("Bitte ein Datum zwischen %(min)s und %(max)s angeben."),
            code="date_range",
            params={"min": MIN_YEAR, "max": MAX_YEAR},
        )


class SaneDateField(forms.DateField):
    default_validators = [validate_sane_date]


class SaneDateTimeField(forms.DateTimeField):
    default_validators = [validate_sane_date]

    def to_python(self, value):
        # check the range before the time zone is applied (year 1 or 9999 would overflow)
        result = super().to_python(value)
        validate_sane_date(result)
        return result


def sane_date_range(field: str, *, datetime: bool = False) -> Q:
    """CheckConstraint condition: the column is empty or inside the sane range."""
    low, high = (MIN_DATETIME, MAX_DATETIME) if datetime else (MIN_DATE, MAX_DATE)
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": low, f"{field}__lte": high})


def parse_sane_date(text) -> dt.date | None:
    """An ISO date from a query parameter, or None when it is missing, malformed or absurd."""
    if not isinstance(text, str) or len(text) > 10:
        return None
    try:
        value = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return value if in_sane_range(value) else None
