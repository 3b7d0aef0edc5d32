"""Automatic appointment on lead save (seed 002 "Neuanlage mit automatischer Aktivitätenanlage").

When "Termin von", "Termin bis" and "Termin mit" are set, the lead owns an appointment
activity for that user, linked both ways (`Lead.appointment` and `Lead.activities`).
Changing the time or the user updates it. When the appointment cannot be identified
uniquely (the linked one was deleted, or several candidates are linked) the lead still
saves and the caller shows the returned German warning.

Who the appointment is with: the lead's Geschäftspartner and Ansprechpartner when linked;
until then the lead's own contact name, company text, phone and e-mail in the activity's
text fields (`lead_partner_fields`). Linking a partner later moves every open appointment
of the lead to it and clears the text fields it replaces (company → company text, person
→ name, phone, e-mail), so an appointment never shows two different contacts.
"""

from __future__ import annotations

from django.db.models import F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from phonenumber_field.phonenumber import to_python

from activities.models import Activity, ActivityKind, ActivityStatus
from activities.services import appointment_create, appointment_notify_changed
from leads.models import Lead, LeadContact

AMBIGUOUS_WARNING = gettext_lazy(
    "Der Termin konnte nicht eindeutig identifiziert werden und wurde daher nicht "
    "aktualisiert. Bitte prüfen Sie die Termin-Aktivitäten des Leads."
)


def lead_main_contact(lead: Lead):
    link = LeadContact.objects.filter(lead=lead, is_main=True).select_related("person").first()
    return link.person if link else None


def appointment_subject(lead: Lead) -> str:
    name = (lead.customer.name if lead.customer_id else "") or lead.display_name or lead.number
    return (_("Termin: %(name)s") % {"name": name})[:200]


def _had_appointment_before(lead: Lead) -> bool:
    """True when an earlier version of the lead pointed at an appointment."""
    return Lead.history.filter(id=lead.pk, appointment_id__isnull=False).exists()


def _phone_text(value) -> str:
    """E.164 (what a tel: link dials) for a valid number, else the text as entered."""
    number = to_python(value) if value else None
    if number is not None and number.is_valid():
        return number.as_e164
    return str(value or "")[:40]


def lead_partner_fields(lead: Lead) -> dict:
    """Company, person and the lead's own contact data where no partner stands in for it."""
    person = lead_main_contact(lead)
    company = lead.customer if lead.customer_id else None
    return {
        "company": company,
        "person": person,
        "company_text": "" if company else (lead.company_name or "")[:200],
        "contact_name": "" if person else lead.contact_name[:200],
        "contact_phone": "" if person else _phone_text(lead.phone),
        "contact_email": "" if person else (lead.email or ""),
    }


def lead_appointment_create(*, lead: Lead, delegated_to, user) -> Activity:
    """An appointment for the lead's planned slot, delegated to `delegated_to`: the lead's
    customer and main contact (or its own contact data), its notes as the text
    (activities.services.appointment_create)."""
    return appointment_create(
        subject=appointment_subject(lead),
        body=lead.notes,
        start=lead.planned_start,
        end=lead.planned_end,
        delegated_to=delegated_to,
        user=user,
        **lead_partner_fields(lead),
    )


def _sync_partner(lead: Lead, user) -> int:
    """Point the lead's open appointments at its current partner (one UPDATE, only rows
    that differ); returns how many changed."""
    wanted = lead_partner_fields(lead)
    values = {
        "company_id": wanted["company"].pk if wanted["company"] else None,
        "person_id": wanted["person"].pk if wanted["person"] else None,
        **{k: v for k, v in wanted.items() if k not in ("company", "person")},
    }
    ids = Activity.objects.filter(
        Q(leads=lead) | Q(pk=lead.appointment_id or 0),
        kind=ActivityKind.APPOINTMENT,
        status=ActivityStatus.OPEN,
    ).values("pk")
    return (
        Activity.objects.filter(pk__in=ids)
        .exclude(**values)  # Django's exclude() treats NULLs right: only differing rows
        .update(**values, version=F("version") + 1, updated_by=user)
    )


def _create(lead: Lead, user) -> Activity:
    activity = lead_appointment_create(lead=lead, delegated_to=lead.appointment_with, user=user)
    lead.appointment = activity
    lead.save(update_fields=["appointment"])
    lead.activities.add(activity)
    return activity


def _update(activity: Activity, lead: Lead, user) -> None:
    wanted = (lead.planned_start, lead.planned_end, lead.appointment_with_id)
    if (activity.start, activity.end, activity.delegated_to_id) == wanted:
        return
    fields = ["start", "end", "delegated_to", "updated_by", "version", "updated_at"]
    if activity.status == ActivityStatus.CANCELLED and (activity.start, activity.end) != (
        lead.planned_start,
        lead.planned_end,
    ):
        # a new time on the lead puts a cancelled appointment back on (the calendar's
        # invitation then goes out as an update with a higher SEQUENCE)
        activity.status = ActivityStatus.OPEN
        fields.append("status")
    activity.start = lead.planned_start
    activity.end = lead.planned_end
    activity.delegated_to = lead.appointment_with
    activity.updated_by = user
    activity.version += 1
    activity.save(update_fields=fields)
    appointment_notify_changed(activity=activity, actor=user)


def lead_sync_appointment(*, lead: Lead, user) -> list[str]:
    """Create or update the lead's appointment activity; returns German warnings.

    Call inside the saving transaction, after the lead row and its contacts are saved.
    """
    if not (lead.planned_start and lead.planned_end and lead.appointment_with_id):
        _sync_partner(lead, user)
        return []
    if lead.appointment_id:
        activity = Activity.objects.filter(pk=lead.appointment_id).first()
        if activity is not None:
            _update(activity, lead, user)
            lead.activities.add(activity)
            _sync_partner(lead, user)
            return []
    candidates = list(
        lead.activities.filter(kind=ActivityKind.APPOINTMENT).values_list("pk", flat=True)[:2]
    )
    if candidates or _had_appointment_before(lead):
        # deleted, or other appointments linked: do not guess which one is meant
        _sync_partner(lead, user)
        return [str(AMBIGUOUS_WARNING)]
    _create(lead, user)
    return []
