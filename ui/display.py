"""Values as a reader sees them: local time, the reader's date format, labels instead of codes.

The one place that turns a stored value into text outside a template — history entries,
exports, GDPR pages, notification parameters, the Python-built table cells. Dates follow
the active language's format module (`ui/locale_formats/<lang>/formats.py`: German
dd.mm.yyyy HH:MM, English mm/dd/yyyy hh:mm AM); templates reach the same formats with
`|date:"SHORT_DATE_FORMAT"` / `"SHORT_DATETIME_FORMAT"`. strftime with the format module's
twin pattern is used instead of `date_format` because the list cells call it per row.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from importlib import import_module

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

DASH = "—"
_PATTERNS: dict[str, tuple[str, str]] = {}


def _patterns() -> tuple[str, str]:
    lang = (get_language() or "de").split("-")[0]
    found = _PATTERNS.get(lang)
    if found is None:
        try:
            module = import_module(f"ui.locale_formats.{lang}.formats")
        except ImportError:
            module = import_module("ui.locale_formats.de.formats")
        found = _PATTERNS[lang] = (module.STRFTIME_DATE, module.STRFTIME_DATETIME)
    return found


def date_text(value: dt.date | None) -> str:
    """A date (or the local date of a datetime) in the reader's short format; "" for None."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return value.strftime(_patterns()[0])


def datetime_text(value: dt.datetime | None) -> str:
    """A datetime in local time and the reader's short format; "" for None."""
    if value is None:
        return ""
    if not isinstance(value, dt.datetime):
        return date_text(value)
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime(_patterns()[1])


def money_text(value: Decimal | int | float | None) -> str:
    """An amount in EUR with the reader's separators: 1.234,50 €."""
    if value is None:
        return ""
    return f"{number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)} €"


def value_text(value) -> str:
    """Any stored value as text: dates local and formatted, countries by name, yes/no."""
    if value is None or value == "":
        return DASH
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    if isinstance(value, dt.datetime):
        return datetime_text(value)
    if isinstance(value, dt.date):
        return date_text(value)
    if isinstance(value, Decimal):
        return number_format(value, use_l10n=True, force_grouping=True)
    if isinstance(value, list | tuple | set):
        return ", ".join(value_text(v) for v in value) or DASH
    name = getattr(value, "name", None)  # django_countries.Country and named list rows
    if isinstance(name, str) and hasattr(value, "code"):
        return name or DASH
    return str(value)
