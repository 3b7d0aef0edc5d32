"""Date inputs in the reader's format whatever the browser's language (issue 16 point 8):
the ui.widgets inputs are text inputs showing and taking the active language's format."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.utils import translation

from ui.widgets import LocalDateInput, LocalDateTimeInput


class _Form(forms.Form):
    day = forms.DateField(widget=LocalDateInput())
    when = forms.DateTimeField(widget=LocalDateTimeInput())


@pytest.mark.parametrize(
    ("language", "day", "when", "placeholder"),
    [
        ("de", "10.12.2026", "10.12.2026 14:30", "TT.MM.JJJJ hh:mm"),
        ("en", "12/10/2026", "12/10/2026 14:30", "MM/DD/YYYY hh:mm"),
    ],
)
def test_shows_and_takes_the_language_format(language, day, when, placeholder, settings):
    settings.USE_TZ = False
    with translation.override(language):
        form = _Form(
            initial={"day": dt.date(2026, 12, 10), "when": dt.datetime(2026, 12, 10, 14, 30)}
        )
        html = str(form["when"]) + str(form["day"])
        assert 'type="date' not in html and 'type="text"' in html
        assert f'value="{when}"' in html and f'value="{day}"' in html
        assert f'placeholder="{placeholder}"' in html
        bound = _Form({"day": day, "when": when})
        assert bound.is_valid(), bound.errors
        assert bound.cleaned_data["day"] == dt.date(2026, 12, 10)
        assert bound.cleaned_data["when"] == dt.datetime(2026, 12, 10, 14, 30)
        # ISO (what a script or an old bookmark sends) is accepted too
        assert _Form({"day": "2026-12-10", "when": "2026-12-10T14:30"}).is_valid()
