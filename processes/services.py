"""The action-box processes on a lead (seed 002): further contacts, appointment
confirmation and info material mails, employees added to the appointment.

Each process first checks its entry in the lead's action box (`leads.action_box`), which
says whether it may start and, if not, why; the conversion process is the `conversion` app.
"""

from __future__ import annotations

from django.db import transaction

from activities.mail import render_mail, with_signature
from activities.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    MailState,
    MailTemplate,
    TemplatePurpose,
)
from activities.services import default_period
from leads.action_box import action_box_entry
from leads.mail_context import lead_mail_context
from leads.models import Lead, LeadContact
from leads.services.appointments import lead_appointment_create, lead_main_contact


class ProcessError(Exception):
    """A process step was refused; the German message is shown to the user. `forbidden`:
    the user may not run it on this lead at all (the views answer 403), else the lead does
    not meet the process's condition (yet)."""

    def __init__(self, message: str, *, forbidden: bool = False) -> None:
        super().__init__(message)
        self.message = str(message)
        self.forbidden = forbidden


def process_entry(lead: Lead, user, key: str) -> dict:
    """The action-box entry of process `key`; ProcessError with the entry's reason when the
    process may not start (every process screen and write checks it first)."""
    entry = action_box_entry(lead, user, key)
    if not entry["enabled"]:
        raise ProcessError(entry["reason"], forbidden=not entry["allowed"])
    return entry


def further_contacts(lead: Lead) -> list:
    return [
        link.person
        for link in LeadContact.objects.filter(lead=lead, is_main=False)
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "person_id")
    ]


@transaction.atomic
def lead_add_contacts(*, lead: Lead, persons, user) -> int:
    """Link persons as further contacts (never as main contact); returns how many are new."""
    process_entry(lead, user, "add_contacts")
    linked = set(LeadContact.objects.filter(lead=lead).values_list("person_id", flat=True))
    new = [LeadContact(lead=lead, person=p, is_main=False) for p in persons if p.pk not in linked]
    LeadContact.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


@transaction.atomic
def lead_create_mail_activity(*, lead: Lead, template: MailTemplate, user) -> Activity:
    """Processes 2 and 4: the MAILAUS activity (status Offen) the mail dialog then edits.

    Rendering happens first: a template error raises MailTemplateError and nothing is saved.
    """
    key = (
        "appointment_confirmation"
        if template.purpose == TemplatePurpose.APPOINTMENT_CONFIRMATION
        else "info_material"
    )
    process_entry(lead, user, key)
    subject, body = render_mail(
        subject=template.subject,
        body=template.body,
        context=lead_mail_context(lead=lead, user=user),
    )
    contact = lead_main_contact(lead)
    others = further_contacts(lead)
    start, end = default_period()
    activity = Activity.objects.create(
        kind=ActivityKind.EMAIL_OUT,
        subject=subject[:200],
        body=with_signature(body, user.signature),
        start=start,
        end=end,
        status=ActivityStatus.OPEN,
        delegated_by=user,
        delegated_to=user,
        person=contact,
        company=lead.customer,
        mail_to=(contact.email if contact and contact.email else "") or lead.email,
        mail_cc=", ".join(p.email for p in others if p.email),
        mail_state=MailState.DRAFT,
        template=template,
        created_by=user,
        updated_by=user,
    )
    if others:
        activity.recipients.set(others)
    documents = list(template.documents.all())
    if documents:
        activity.documents.set(documents)
    lead.activities.add(activity)
    for opportunity in lead.opportunities.all():
        opportunity.activities.add(activity)
    return activity


@transaction.atomic
def lead_add_employees(*, lead: Lead, users, user) -> list[Activity]:
    """Process 3: one appointment per picked employee, delegated to them, each notified."""
    process_entry(lead, user, "add_employees")
    # a double submit must not give anyone a second appointment for the same slot
    already = set(
        lead.activities.filter(kind=ActivityKind.APPOINTMENT, start=lead.planned_start).values_list(
            "delegated_to_id", flat=True
        )
    )
    created = [
        lead_appointment_create(lead=lead, delegated_to=employee, user=user)
        for employee in users
        if employee.pk not in already
    ]
    lead.activities.add(*created)
    return created
