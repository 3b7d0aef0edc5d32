"""Helpers for the activities/process tests: a lead with a planned appointment."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tests.factories import LeadContactFactory, LeadFactory, PersonFactory


def planned(hours_from_now: int = 48, length: int = 1):
    start = (timezone.now() + dt.timedelta(hours=hours_from_now)).replace(
        minute=0, second=0, microsecond=0
    )
    return start, start + dt.timedelta(hours=length)


def lead_with_appointment(*, appointment_with, main_contact: bool = True, **kwargs):
    start, end = planned()
    lead = LeadFactory(
        planned_start=start, planned_end=end, appointment_with=appointment_with, **kwargs
    )
    if main_contact:
        person = PersonFactory(salutation="Frau", first_name="Maria", last_name="Schulz")
        LeadContactFactory(lead=lead, person=person, is_main=True)
    return lead
