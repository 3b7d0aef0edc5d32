"""Date and date-time inputs in the reader's format, whatever the browser's language.

`<input type="date">` shows the browser's locale: an English browser shows mm/dd/yyyy
inside the German UI (issue 16). These widgets are text inputs that show and take the
active language's first DATE_INPUT_FORMATS / DATETIME_INPUT_FORMATS entry
(ui/locale_formats/<lang>/formats.py: 10.12.2026 14:30 in German, 12/10/2026 14:30 in
English), with that pattern as the placeholder. The form fields keep Django's defaults,
which accept every input format of the language and ISO 8601 as well.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.formats import get_format, localize_input
from django.utils.translation import gettext


def shown_format(format_key: str) -> str:
    """The input format a widget shows: the language's first one without seconds."""
    formats = list(get_format(format_key))
    return next((f for f in formats if "%S" not in f), formats[0])


def pattern(format_key: str) -> str:
    """The placeholder: "TT.MM.JJJJ hh:mm" in German, "MM/DD/YYYY hh:mm" in English."""
    tokens = {
        "%d": gettext("TT"),
        "%m": gettext("MM"),
        "%Y": gettext("JJJJ"),
        "%y": gettext("JJ"),
        "%H": "hh",
        "%M": "mm",
        "%S": "ss",
    }
    text = shown_format(format_key)
    for token, shown in tokens.items():
        text = text.replace(token, shown)
    return text


class _LocalInput:
    input_type = "text"
    format_key: str

    def format_value(self, value):
        # the format of the request's language, not of the language at import time
        if isinstance(value, dt.date):
            return localize_input(value, shown_format(self.format_key))
        return super().format_value(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs.setdefault("placeholder", pattern(self.format_key))
        widget_attrs.setdefault("inputmode", "numeric")
        widget_attrs.setdefault("autocomplete", "off")
        return context


class LocalDateInput(_LocalInput, forms.DateInput):
    """A date as the active language writes it (the first of DATE_INPUT_FORMATS)."""


class LocalDateTimeInput(_LocalInput, forms.DateTimeInput):
    """A date and time as the active language writes it (the first of DATETIME_INPUT_FORMATS without seconds)."""
