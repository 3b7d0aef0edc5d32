"""The action box [Aktionsbox] of the lead mask: which processes may start, and why not.

Each entry is enabled only under the condition seed 002 states for it; a disabled entry
carries a German reason the mask shows as a tooltip. The processes themselves live in
`leads/views_processes.py`; their writes are the services at the end of this module.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.mail import render_mail, with_signature
from activities.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    MailState,
    MailTemplate,
    TemplatePurpose,
)
from activities.services import appointment_notify_created, default_period
from leads.models import Lead, LeadContact
from leads.services.appointments import appointment_subject, lead_main_contact


def _has_main_contact(lead: Lead) -> bool:
    cache = getattr(lead, "_prefetched_objects_cache", {})
    if "lead_contacts" in cache:
        return any(link.is_main for link in lead.lead_contacts.all())
    return LeadContact.objects.filter(lead=lead, is_main=True).exists()


def action_box_entries(lead: Lead, user) -> list[dict]:
    """Entries of the action box as dicts: key, label, url, enabled, reason."""
    has_contact = _has_main_contact(lead)
    has_address = has_contact or bool(lead.email)
    has_start = lead.planned_start is not None
    has_appointment = bool(lead.appointment_with_id and lead.planned_start and lead.planned_end)

    def entry(key: str, label: str, route: str, enabled: bool, reason: str) -> dict:
        return {
            "key": key,
            "label": label,
            "url": reverse(route, args=[lead.pk]),
            "enabled": enabled,
            "reason": "" if enabled else reason,
        }

    return [
        entry(
            "add_contacts",
            _("Weitere Ansprechpartner hinzufügen"),
            "leads:process_contacts",
            has_contact,
            _("Erst einen Hauptansprechpartner am Lead hinterlegen."),
        ),
        entry(
            "appointment_confirmation",
            _("Terminbestätigung versenden"),
            "leads:process_confirmation",
            has_address and has_start,
            _("Benötigt einen Ansprechpartner oder eine E-Mail-Adresse am Lead sowie „Termin von“.")
            if not has_address
            else _("Erst „Termin von (geplant)“ eintragen."),
        ),
        entry(
            "add_employees",
            _("Mitarbeiter dem Termin hinzufügen"),
            "leads:process_employees",
            has_appointment,
            _("Benötigt „Termin mit“, „Termin von“ und „Termin bis“."),
        ),
        entry(
            "info_material",
            _("Infomaterial versenden"),
            "leads:process_info_material",
            has_address,
            _("Benötigt einen Ansprechpartner oder eine E-Mail-Adresse am Lead."),
        ),
        # Konvertierung (capture engineer): leads.conversion / conversion:convert
        entry(
            "convert",
            _("Ansprechpartner anlegen (Konvertierung)"),
            "conversion:convert",
            *_conversion_state(lead, has_contact),
        ),
    ]


# --- process services -------------------------------------------------------------------


class ProcessError(Exception):
    """A process step was refused; the German message is shown to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = str(message)


def entry_enabled(lead: Lead, user, key: str) -> bool:
    return any(e["key"] == key and e["enabled"] for e in action_box_entries(lead, user))


def _require(lead: Lead, user, key: str) -> None:
    for e in action_box_entries(lead, user):
        if e["key"] == key and not e["enabled"]:
            raise ProcessError(e["reason"])


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
    _require(lead, user, "add_contacts")
    linked = set(LeadContact.objects.filter(lead=lead).values_list("person_id", flat=True))
    new = [LeadContact(lead=lead, person=p, is_main=False) for p in persons if p.pk not in linked]
    LeadContact.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def mail_context(*, lead: Lead, user) -> dict:
    """The restricted context mail templates see (plain values only)."""
    contact = lead_main_contact(lead)
    interests = ", ".join(i.name for i in lead.interests.all())
    if contact is not None:
        person = {
            "salutation": contact.salutation,
            "title": contact.title,
            "first_name": contact.first_name,
            "last_name": contact.last_name,
            "full_name": contact.full_name,
            "email": contact.email,
        }
    else:
        person = {
            "salutation": lead.salutation,
            "title": "",
            "first_name": lead.first_name,
            "last_name": lead.last_name,
            "full_name": lead.contact_name,
            "email": lead.email,
        }
    return {
        "lead": {
            "number": lead.number,
            "company_name": (lead.customer.name if lead.customer_id else "") or lead.company_name,
            "contact_name": lead.contact_name,
            "display_name": lead.display_name,
            "email": lead.email,
            "phone": str(lead.phone or ""),
            "city": lead.city,
            "interest_names": interests,
            "notes": lead.notes,
        },
        "contact": person,
        "user": {
            "full_name": user.get_full_name() or user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "signature": user.signature,
        },
        "appointment": {
            "start": timezone.localtime(lead.planned_start) if lead.planned_start else None,
            "end": timezone.localtime(lead.planned_end) if lead.planned_end else None,
        },
    }


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
    _require(lead, user, key)
    subject, body = render_mail(
        subject=template.subject, body=template.body, context=mail_context(lead=lead, user=user)
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
    _require(lead, user, "add_employees")
    contact = lead_main_contact(lead)
    # a double submit must not give anyone a second appointment for the same slot
    already = set(
        lead.activities.filter(kind=ActivityKind.APPOINTMENT, start=lead.planned_start).values_list(
            "delegated_to_id", flat=True
        )
    )
    created = []
    for employee in users:
        if employee.pk in already:
            continue
        activity = Activity.objects.create(
            kind=ActivityKind.APPOINTMENT,
            subject=appointment_subject(lead),
            body=lead.notes,
            start=lead.planned_start,
            end=lead.planned_end,
            status=ActivityStatus.OPEN,
            company=lead.customer,
            person=contact,
            delegated_by=user,
            delegated_to=employee,
            created_by=user,
            updated_by=user,
        )
        appointment_notify_created(activity=activity, actor=user)
        created.append(activity)
    lead.activities.add(*created)
    return created


# --- Konvertierung (capture engineer) ---------------------------------------------------


def _conversion_state(lead: Lead, has_contact: bool) -> tuple[bool, str]:
    """Seed 002: only while no Geschäftspartner or Ansprechpartner is linked and the lead
    is not converted."""
    if lead.converted_at is not None:
        return False, _("Der Lead ist bereits konvertiert.")
    if lead.customer_id or has_contact:
        return False, _("Am Lead ist bereits ein Geschäftspartner oder Ansprechpartner verknüpft.")
    return True, ""
