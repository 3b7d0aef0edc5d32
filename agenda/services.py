"""Writes of the calendar: move an appointment, send an invitation or a cancellation.

Moving follows the lead's sync rules (leads/services/appointments.py): the appointment
that a lead owns (`Lead.appointment`) is its planned slot, so its new time is written to
the lead (`lead_update` → `lead_sync_appointment` moves the activity, history and
notification included) — never to both. Any other appointment is moved with
`activity_update`.

Invitations are mails in the outbox (activities.mail): an email_out activity with the
.ics kept in an `Invitation` row; sent only when the user asks for it.
"""

from __future__ import annotations

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from activities import mail
from activities.ical import attendees_of, calendar_for, location_of
from activities.models import Activity, ActivityKind, ActivityStatus, MailState
from activities.selectors import can_edit
from activities.services import ActivityError, activity_update, appointment_cancel
from agenda.models import Invitation, InvitationMethod
from leads.errors import ConflictError, LeadError
from leads.models import Lead
from leads.services.lead import lead_update


def owning_lead(activity: Activity) -> Lead | None:
    """The lead whose planned appointment this is (one query)."""
    return Lead.objects.filter(appointment_id=activity.pk).first()


def may_move(user, activity: Activity) -> bool:
    if activity.kind != ActivityKind.APPOINTMENT or not can_edit(user, activity):
        return False
    lead = owning_lead(activity)
    return lead is None or user.has_perm("leads.change_lead", lead)


@transaction.atomic
def appointment_move(
    *, activity: Activity, start, end, location: str, user, expected_version: int
) -> Activity:
    """New start/end (and place) of an appointment, refused on a stale version."""
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    if locked.version != expected_version:
        raise ActivityError(_("Der Termin wurde inzwischen geändert. Bitte neu laden."))
    if not may_move(user, locked):
        raise ActivityError(_("Sie dürfen diesen Termin nicht verschieben."))
    if locked.status == ActivityStatus.CANCELLED:
        raise ActivityError(_("Ein abgesagter Termin kann nicht verschoben werden."))
    if end < start:
        raise ActivityError(_("Das Ende darf nicht vor dem Beginn liegen."))
    lead = owning_lead(locked)
    if lead is not None and (locked.start, locked.end) != (start, end):
        try:
            lead_update(
                lead=lead,
                data={"planned_start": start, "planned_end": end},
                user=user,
                expected_version=lead.version,
            )
        except (LeadError, ConflictError) as exc:
            raise ActivityError(str(getattr(exc, "message", exc))) from exc
        locked.refresh_from_db()
        data = {}
    else:
        data = {"start": start, "end": end}
    if location != locked.location:
        data["location"] = location
    if data:
        locked = activity_update(activity=locked, data=data, user=user)
    return locked


def _mail_text(appointment: Activity, method: str) -> tuple[str, str]:
    context = {
        "appointment": appointment,
        "start": timezone.localtime(appointment.start),
        "end": timezone.localtime(appointment.end) if appointment.end else None,
        "location": location_of(appointment),
        "cancel": method == InvitationMethod.CANCEL,
    }
    with translation.override("de"):
        if method == InvitationMethod.CANCEL:
            subject = _("Abgesagt: %(subject)s") % {"subject": appointment.subject}
        else:
            subject = _("Einladung: %(subject)s") % {"subject": appointment.subject}
        body = render_to_string("agenda/mail/invitation.txt", context)
    return subject[:200], body


@transaction.atomic
def invitation_send(*, appointment: Activity, user, method: str = InvitationMethod.REQUEST):
    """Queue a REQUEST (invitation or update) or CANCEL to the appointment's attendees."""
    appointment = (
        Activity.objects.select_for_update(of=("self",))
        .select_related("person", "company", "delegated_to", "delegated_by")
        .get(pk=appointment.pk)
    )
    if appointment.kind != ActivityKind.APPOINTMENT or appointment.start is None:
        raise ActivityError(_("Nur Termine mit Beginn können versendet werden."))
    if not can_edit(user, appointment):
        raise ActivityError(_("Sie dürfen zu diesem Termin nicht einladen."))
    if method == InvitationMethod.REQUEST and appointment.status == ActivityStatus.CANCELLED:
        raise ActivityError(_("Zu einem abgesagten Termin kann nicht eingeladen werden."))
    attendees = attendees_of(appointment)
    if not attendees:
        raise ActivityError(
            _("Für diesen Termin ist keine E-Mail-Adresse des Kontakts hinterlegt.")
        )
    subject, body = _mail_text(appointment, method)
    message = Activity.objects.create(
        kind=ActivityKind.EMAIL_OUT,
        subject=subject,
        body=body,
        person=appointment.person,
        company=appointment.company,
        contact_name=appointment.contact_name,
        contact_email=appointment.contact_email,
        company_text=appointment.company_text,
        mail_state=MailState.DRAFT,
        delegated_by=user,
        delegated_to=user,
        created_by=user,
        updated_by=user,
    )
    Invitation.objects.create(
        appointment=appointment,
        mail=message,
        method=method,
        sequence=appointment.ical_sequence,
        ics=calendar_for([appointment], method=method).decode(),
        created_by=user,
    )
    for lead in Lead.objects.filter(activities=appointment):
        lead.activities.add(message)
    mail.activity_queue_mail(
        activity=message,
        subject=subject,
        body=body,
        mail_to=", ".join(p.email for p in attendees),
        mail_cc="",
        user=user,
    )
    return message


def was_invited(appointment: Activity) -> bool:
    return Invitation.objects.filter(
        appointment=appointment, method=InvitationMethod.REQUEST
    ).exists()


@transaction.atomic
def appointment_cancel_with_notice(
    *, appointment: Activity, user, expected_version: int, send_cancellation: bool
) -> Activity:
    """Call the appointment off; attendees invited before get a CANCEL when asked."""
    if not can_edit(user, appointment):
        raise ActivityError(_("Sie dürfen diesen Termin nicht absagen."))
    cancelled = appointment_cancel(
        activity=appointment, user=user, expected_version=expected_version
    )
    if send_cancellation:
        invitation_send(appointment=cancelled, user=user, method=InvitationMethod.CANCEL)
    return cancelled
