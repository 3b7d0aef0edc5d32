"""Writes for activities: create, update, mark done, appointment notifications, delivery.

Appointment notifications follow seed 002 "Anlage eines neuen Lead-Termins": the delegated
user hears of a new or changed appointment unless they made the change themselves;
priority A, type entity, pointing at the activity.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

import events
from activities.models import Activity, ActivityKind, ActivityStatus, DeliveryStatus, MailState
from notifications.models import Kind
from notifications.services import notify

EDITABLE_FIELDS = (
    "kind",
    "subject",
    "body",
    "start",
    "end",
    "status",
    "delegated_to",
    "person",
    "company",
    "location",
)


STALE_MESSAGE = gettext_lazy(
    "Die Aktivität wurde inzwischen von jemand anderem geändert. Bitte laden Sie die Seite "
    "neu und übernehmen Sie Ihre Änderungen erneut."
)


class ActivityError(Exception):
    """A business rule refused the change; the message is German and shown to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = str(message)


def default_period(now=None) -> tuple[Any, Any]:
    """Start/end of a new activity without explicit times: next full quarter hour, 30 min."""
    now = timezone.localtime(now or timezone.now())
    start = now.replace(second=0, microsecond=0) + timedelta(minutes=15 - now.minute % 15)
    return start, start + timedelta(minutes=30)


def _appointment_params(activity: Activity, actor) -> dict:
    """The parameters of the appointment kinds (notifications.kinds renders the text)."""
    return {
        "when": activity.start.isoformat() if activity.start else "",
        "subject": activity.subject,
        "user": str(actor) if actor is not None else "",
    }


def _notify_delegated(activity: Activity, actor, kind: str) -> None:
    if not activity.delegated_to_id or activity.delegated_to_id == getattr(actor, "pk", None):
        return
    notify(
        recipient=activity.delegated_to,
        kind=kind,
        params=_appointment_params(activity, actor),
        entity=activity,
        url=activity.get_absolute_url(),
    )


def appointment_notify_created(*, activity: Activity, actor) -> None:
    """New appointment → its delegated user, unless they created it."""
    _notify_delegated(activity, actor, Kind.APPOINTMENT_CREATED)


def appointment_notify_changed(*, activity: Activity, actor) -> None:
    """Changed appointment → its delegated user, unless they changed it."""
    _notify_delegated(activity, actor, Kind.APPOINTMENT_CHANGED)


def appointment_create(
    *,
    subject: str,
    body: str,
    start,
    end,
    company,
    person,
    delegated_to,
    user,
    company_text: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
) -> Activity:
    """A new open appointment (Termin) delegated to `delegated_to`, who is notified.

    The one way a lead creates an appointment: the automatic appointment of the lead mask
    (seed 002) and process 3 "Mitarbeiter hinzufügen" both call it. The text fields carry
    who it is with while no company or person row exists (a lead's own contact data).
    """
    activity = Activity.objects.create(
        kind=ActivityKind.APPOINTMENT,
        subject=subject,
        body=body,
        start=start,
        end=end,
        status=ActivityStatus.OPEN,
        company=company,
        person=person,
        company_text=company_text,
        contact_name=contact_name,
        contact_phone=contact_phone,
        contact_email=contact_email,
        delegated_by=user,
        delegated_to=delegated_to,
        created_by=user,
        updated_by=user,
    )
    appointment_notify_created(activity=activity, actor=user)
    events.publish("activity.created", activity)
    return activity


def appointment_end(start):
    """The default "Termin bis": "Termin von" plus LEADCRM_APPOINTMENT_MINUTES
    (static/js/timeline.js fills the same default into the form)."""
    if start is None:
        return None
    return start + timedelta(minutes=settings.LEADCRM["APPOINTMENT_MINUTES"])


def _validate(data: dict) -> None:
    start, end = data.get("start"), data.get("end")
    if start and end and end < start:
        raise ActivityError(_("Das Ende darf nicht vor dem Beginn liegen."))
    if not (data.get("subject") or "").strip():
        raise ActivityError(_("Bitte einen Betreff angeben."))


@transaction.atomic
def activity_create(*, data: dict, user, recipients=(), documents=()) -> Activity:
    """Create an activity from form data (keys of EDITABLE_FIELDS and mail fields)."""
    if data.get("kind") == ActivityKind.APPOINTMENT and data.get("start") and not data.get("end"):
        data = {**data, "end": appointment_end(data["start"])}
    _validate(data)
    activity = Activity(created_by=user, updated_by=user)
    activity.delegated_by = data.pop("delegated_by", None) or user
    for key, value in data.items():
        setattr(activity, key, value)
    if activity.delegated_to is None and "delegated_to" not in data:
        activity.delegated_to = user
    if activity.status == ActivityStatus.DONE and activity.done_at is None:
        activity.done_at = timezone.now()
    activity.save()
    if recipients:
        activity.recipients.set(recipients)
    if documents:
        activity.documents.set(documents)
    if activity.kind == ActivityKind.APPOINTMENT:
        appointment_notify_created(activity=activity, actor=user)
    events.publish("activity.created", activity)
    return activity


@transaction.atomic
def activity_update(
    *, activity: Activity, data: dict, user, expected_version: int | None = None
) -> Activity:
    """Apply changed fields; an appointment whose time or user changed notifies.

    With `expected_version` (the version the user's form was loaded with) a change made
    meanwhile by someone else is refused with ActivityError (optimistic locking, as for
    leads): nothing is overwritten silently."""
    if expected_version is not None:
        current = Activity.objects.select_for_update().values_list("version", flat=True)
        if current.filter(pk=activity.pk).first() != expected_version:
            raise ActivityError(str(STALE_MESSAGE))
    merged = {f: getattr(activity, f) for f in EDITABLE_FIELDS} | data
    _validate(merged)
    before = (activity.start, activity.end, activity.delegated_to_id)
    for key, value in data.items():
        setattr(activity, key, value)
    if activity.status == ActivityStatus.DONE and activity.done_at is None:
        activity.done_at = timezone.now()
    elif activity.status == ActivityStatus.OPEN:
        activity.done_at = None
    activity.updated_by = user
    activity.version += 1
    activity.save()
    after = (activity.start, activity.end, activity.delegated_to_id)
    if activity.kind == ActivityKind.APPOINTMENT and before != after:
        appointment_notify_changed(activity=activity, actor=user)
    return activity


@transaction.atomic
def appointment_cancel(
    *, activity: Activity, user, expected_version: int | None = None
) -> Activity:
    """Call an appointment off (status Abgesagt); the delegated user hears of it.

    The version (and so `ical_sequence`) rises: a CANCEL sent afterwards supersedes every
    invitation sent before."""
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ActivityError(str(STALE_MESSAGE))
    if locked.kind != ActivityKind.APPOINTMENT:
        raise ActivityError(_("Nur Termine können abgesagt werden."))
    if locked.status == ActivityStatus.CANCELLED:
        return locked
    locked.status = ActivityStatus.CANCELLED
    locked.done_at = None
    locked.updated_by = user
    locked.version += 1
    locked.save(update_fields=["status", "done_at", "updated_by", "version", "updated_at"])
    appointment_notify_changed(activity=locked, actor=user)
    return locked


@transaction.atomic
def activity_mark_done(*, activity: Activity, user) -> Activity:
    if activity.status != ActivityStatus.DONE:
        activity.status = ActivityStatus.DONE
        activity.done_at = timezone.now()
        activity.updated_by = user
        activity.version += 1
        activity.save(update_fields=["status", "done_at", "updated_by", "version", "updated_at"])
    return activity


@transaction.atomic
def activity_set_done(*, activity: Activity, done: bool, user) -> Activity:
    """Tick an activity done or open it again (the timeline's task checkbox)."""
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    status = ActivityStatus.DONE if done else ActivityStatus.OPEN
    if locked.status != status:
        locked.status = status
        locked.done_at = timezone.now() if done else None
        locked.updated_by = user
        locked.version += 1
        locked.save(update_fields=["status", "done_at", "updated_by", "version", "updated_at"])
    return locked


# --- delivery events (anymail tracking webhook) -----------------------------------------

_EVENT_TO_STATUS = {
    "queued": DeliveryStatus.QUEUED,
    "sent": DeliveryStatus.QUEUED,
    "delivered": DeliveryStatus.DELIVERED,
    "opened": DeliveryStatus.OPENED,
    "clicked": DeliveryStatus.CLICKED,
    "bounced": DeliveryStatus.BOUNCED,
    "deferred": DeliveryStatus.DEFERRED,
    "rejected": DeliveryStatus.REJECTED,
    "complained": DeliveryStatus.COMPLAINED,
    "failed": DeliveryStatus.FAILED,
}
# a later "queued"/"deferred" must not hide that the mail was delivered or opened
_RANK = {
    DeliveryStatus.QUEUED: 1,
    DeliveryStatus.DEFERRED: 2,
    DeliveryStatus.DELIVERED: 3,
    DeliveryStatus.OPENED: 4,
    DeliveryStatus.CLICKED: 5,
    DeliveryStatus.BOUNCED: 6,
    DeliveryStatus.REJECTED: 6,
    DeliveryStatus.FAILED: 6,
    DeliveryStatus.COMPLAINED: 7,
}


def activity_record_delivery(event) -> Activity | None:
    """Apply one anymail AnymailTrackingEvent to the activity that sent the message."""
    status = _EVENT_TO_STATUS.get(getattr(event, "event_type", ""))
    message_id = getattr(event, "message_id", None)
    if not status or not message_id:
        return None
    with transaction.atomic():
        activity = Activity.objects.select_for_update().filter(esp_message_id=message_id).first()
        if activity is None:
            return None
        if _RANK.get(status, 0) < _RANK.get(activity.delivery_status, 0):
            return activity
        activity.delivery_status = status
        activity.delivery_updated_at = getattr(event, "timestamp", None) or timezone.now()
        fields = ["delivery_status", "delivery_updated_at", "updated_at"]
        if status in (DeliveryStatus.BOUNCED, DeliveryStatus.REJECTED, DeliveryStatus.FAILED):
            reason = getattr(event, "description", "") or getattr(event, "reject_reason", "")
            activity.mail_error = _("Zustellung fehlgeschlagen: %(reason)s") % {
                "reason": reason or status
            }
            fields.append("mail_error")
        activity.save(update_fields=fields)
    return activity


def mail_is_sendable(activity: Activity) -> bool:
    return activity.kind == ActivityKind.EMAIL_OUT and activity.mail_state in (
        "",
        MailState.DRAFT,
        MailState.FAILED,
    )
