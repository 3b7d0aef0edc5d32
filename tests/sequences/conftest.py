"""Fixtures of the sequence tests: a sequence mail → wait → call, a consenting lead."""

import datetime as dt

import pytest
from django.utils import timezone

from leads.models import ConsentAction, ConsentRecord
from sequences.models import Sequence, SequenceStep, StepKind
from sequences.services import enrolment_start
from tests.factories.activities import MailTemplateFactory
from tests.factories.leads import LeadFactory


def monday_10(weeks: int = 1) -> dt.datetime:
    """A Monday 10:00 local time `weeks` ahead: every step due by then, in working time."""
    today = timezone.localdate()
    monday = today + dt.timedelta(days=7 * weeks - today.weekday())
    return timezone.make_aware(dt.datetime.combine(monday, dt.time(10)))


@pytest.fixture
def template(db):
    return MailTemplateFactory(
        name="Nachfass 1",
        subject="Ihre Anfrage, {{ contact.last_name }}",
        body="Hallo {{ contact.full_name }}",
    )


@pytest.fixture
def sequence(template):
    sequence = Sequence.objects.create(name="Webanfrage nachfassen")
    SequenceStep.objects.create(
        sequence=sequence, position=1, kind=StepKind.MAIL, template=template
    )
    SequenceStep.objects.create(sequence=sequence, position=2, kind=StepKind.WAIT, wait_days=2)
    SequenceStep.objects.create(
        sequence=sequence, position=3, kind=StepKind.CALL, subject="Nachfassen per Telefon"
    )
    return sequence


def consent(lead, action=ConsentAction.CONFIRMED):
    return ConsentRecord.objects.create(lead=lead, action=action, email=lead.email)


@pytest.fixture
def lead(rep):
    lead = LeadFactory(follow_up_by=rep)
    consent(lead)
    return lead


@pytest.fixture
def enrolment(lead, sequence, rep):
    return enrolment_start(lead=lead, sequence=sequence, user=rep)
