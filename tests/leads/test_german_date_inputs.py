"""Issue 16, point 8: the lead mask, the activity form and the opportunity form show and take
dates as the UI language writes them (10.12.2026 14:30 in German), whatever the browser's
language, and still accept ISO 8601."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from activities.forms import ActivityForm
from leads.forms import LeadForm
from opportunities.forms import OpportunityForm
from tests.factories import CompanyFactory, LeadFactory

pytestmark = pytest.mark.django_db

WHEN = dt.datetime(2026, 12, 10, 14, 30)


def _forms(rep):
    return {
        "lead": LeadForm(user=rep),
        "activity": ActivityForm(),
        "opportunity": OpportunityForm(company=CompanyFactory()),
    }


@pytest.mark.parametrize(
    ("form_name", "field", "value", "expected"),
    [
        ("lead", "planned_start", "10.12.2026 14:30", WHEN),
        ("lead", "planned_start", "2026-12-10T14:30", WHEN),
        ("lead", "planned_end", "10.12.2026 14:30", WHEN),
        ("lead", "follow_up_until", "10.12.2026", WHEN.date()),
        ("lead", "follow_up_until", "2026-12-10", WHEN.date()),
        ("lead", "next_appointment", "10.12.2026", WHEN.date()),
        ("activity", "start", "10.12.2026 14:30", WHEN),
        ("activity", "end", "2026-12-10T14:30", WHEN),
        ("opportunity", "expected_close", "10.12.2026", WHEN.date()),
        ("opportunity", "expected_close", "2026-12-10", WHEN.date()),
    ],
)
def test_fields_take_german_and_iso(rep, form_name, field, value, expected):
    with translation.override("de"):
        cleaned = _forms(rep)[form_name].fields[field].clean(value)
    if isinstance(cleaned, dt.datetime):
        cleaned = timezone.localtime(cleaned).replace(tzinfo=None)
    assert cleaned == expected


@pytest.mark.parametrize(
    ("form_name", "field", "placeholder"),
    [
        ("lead", "planned_start", "TT.MM.JJJJ hh:mm"),
        ("lead", "follow_up_until", "TT.MM.JJJJ"),
        ("activity", "start", "TT.MM.JJJJ hh:mm"),
        ("opportunity", "expected_close", "TT.MM.JJJJ"),
    ],
)
def test_widgets_are_text_inputs_with_the_german_pattern(rep, form_name, field, placeholder):
    with translation.override("de"):
        html = str(_forms(rep)[form_name][field])
    assert 'type="text"' in html and f'placeholder="{placeholder}"' in html


def test_mask_shows_stored_values_in_german(rep):
    start = timezone.make_aware(WHEN)
    lead = LeadFactory(
        follow_up_until=WHEN.date(), planned_start=start, planned_end=start + dt.timedelta(hours=1)
    )
    with translation.override("de"):
        form = LeadForm(instance=lead, user=rep)
        html = str(form["planned_start"]) + str(form["follow_up_until"]) + str(form["planned_end"])
    assert 'value="10.12.2026 14:30"' in html
    assert 'value="10.12.2026"' in html
    assert 'value="10.12.2026 15:30"' in html
