"""Factories of the activities app: documents, mail templates, activities."""

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from activities.models import (
    Activity,
    ActivityKind,
    Document,
    MailState,
    MailTemplate,
    TemplatePurpose,
)
from tests.factories.contacts import PersonFactory
from tests.factories.leads import LeadContactFactory, LeadFactory


class DocumentFactory(DjangoModelFactory):
    class Meta:
        model = Document

    title = factory.Sequence(lambda n: f"Produktinformation {n}")
    file = factory.django.FileField(
        filename="produktinformation.pdf", data=b"%PDF-1.4\n% LeadCRM test document\n%%EOF\n"
    )
    uploaded_by = None


class MailTemplateFactory(DjangoModelFactory):
    class Meta:
        model = MailTemplate
        django_get_or_create = ("purpose", "name")

    name = factory.Sequence(lambda n: f"Vorlage {n}")
    purpose = TemplatePurpose.INFO_MATERIAL
    subject = "Ihre Informationen von uns"
    body = (
        "Guten Tag {{ contact.full_name }},\n\nanbei unser Informationsmaterial.\n\n"
        "Mit freundlichen Grüßen\n{{ user.full_name }}"
    )
    rank = factory.Sequence(lambda n: 100 + n)
    active = True


def _next_workday_at(hour: int):
    start = timezone.localtime() + dt.timedelta(days=1)
    return start.replace(hour=hour, minute=0, second=0, microsecond=0)


class ActivityFactory(DjangoModelFactory):
    """A note by default; traits `appointment=True`, `email_out=True`, `call=True`, `task=True`."""

    class Meta:
        model = Activity

    kind = ActivityKind.NOTE
    subject = factory.Sequence(lambda n: f"Gesprächsnotiz {n}")
    body = "Kunde interessiert sich für eine Photovoltaikanlage auf dem Hallendach."
    person = factory.SubFactory(PersonFactory)
    company = factory.LazyAttribute(lambda a: a.person.company if a.person else None)

    class Params:
        appointment = factory.Trait(
            kind=ActivityKind.APPOINTMENT,
            subject=factory.Sequence(lambda n: f"Termin vor Ort {n}"),
            start=factory.LazyFunction(lambda: _next_workday_at(10)),
            end=factory.LazyAttribute(lambda a: a.start + dt.timedelta(hours=1)),
        )
        email_out = factory.Trait(
            kind=ActivityKind.EMAIL_OUT,
            subject="Ihre Anfrage über unsere Webseite",
            mail_to=factory.LazyAttribute(lambda a: a.person.email if a.person else ""),
            mail_state=MailState.DRAFT,
        )
        call = factory.Trait(kind=ActivityKind.CALL, subject="Telefonat zur Bedarfsklärung")
        task = factory.Trait(
            kind=ActivityKind.TASK,
            subject="Angebot vorbereiten",
            start=factory.LazyFunction(lambda: _next_workday_at(9)),
        )


# --- Helpers for the activities/process tests: a lead with a planned appointment.


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
