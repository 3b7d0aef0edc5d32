"""Automatic appointment on lead save (seed 002 "Neuanlage mit automatischer Aktivitätenanlage").

When "Termin von", "Termin bis" and "Termin mit" are set, the lead owns an appointment
activity for that user, linked both ways (`Lead.appointment` and `Lead.activities`).
Changing the time or the user updates it. When the appointment cannot be identified
uniquely (the linked one was deleted, or several candidates are linked) the lead still
saves and the caller shows the returned German warning.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activities.models import Activity, ActivityKind
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


def lead_appointment_create(*, lead: Lead, delegated_to, user) -> Activity:
    """An appointment for the lead's planned slot, delegated to `delegated_to`: the lead's
    customer and main contact, its notes as the text (activities.services.appointment_create)."""
    return appointment_create(
        subject=appointment_subject(lead),
        body=lead.notes,
        start=lead.planned_start,
        end=lead.planned_end,
        company=lead.customer,
        person=lead_main_contact(lead),
        delegated_to=delegated_to,
        user=user,
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
    activity.start = lead.planned_start
    activity.end = lead.planned_end
    activity.delegated_to = lead.appointment_with
    activity.updated_by = user
    activity.version += 1
    activity.save(
        update_fields=["start", "end", "delegated_to", "updated_by", "version", "updated_at"]
    )
    appointment_notify_changed(activity=activity, actor=user)


def lead_sync_appointment(*, lead: Lead, user) -> list[str]:
    """Create or update the lead's appointment activity; returns German warnings.

    Call inside the saving transaction, after the lead row is saved.
    """
    if not (lead.planned_start and lead.planned_end and lead.appointment_with_id):
        return []
    if lead.appointment_id:
        activity = Activity.objects.filter(pk=lead.appointment_id).first()
        if activity is not None:
            _update(activity, lead, user)
            lead.activities.add(activity)
            return []
    candidates = list(
        lead.activities.filter(kind=ActivityKind.APPOINTMENT).values_list("pk", flat=True)[:2]
    )
    if candidates or _had_appointment_before(lead):
        # deleted, or other appointments linked: do not guess which one is meant
        return [str(AMBIGUOUS_WARNING)]
    _create(lead, user)
    return []
