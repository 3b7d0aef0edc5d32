"""Quick logging on the lead's timeline: a call, note, task, e-mail or appointment in one step.

Each entry is an ordinary activity (activities.services) linked to the lead through
`Lead.activities`, like the automatic appointment and the processes do, and shown with
the lead's Geschäftspartner/Ansprechpartner (or its own contact data) as who it is with.
A logged call or note has happened, so it is created done; a task and an appointment are
open; an e-mail is queued in the outbox (activities.mail).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.mail import activity_queue_mail
from activities.models import Activity, ActivityKind, ActivityStatus, MailState
from activities.services import ActivityError, activity_create
from leads.errors import LeadError
from leads.models import Lead
from leads.services.appointments import lead_partner_fields

QUICK_KINDS = (
    ActivityKind.CALL,
    ActivityKind.NOTE,
    ActivityKind.TASK,
    ActivityKind.EMAIL_OUT,
    ActivityKind.APPOINTMENT,
)
_DONE_ON_CREATE = {ActivityKind.CALL, ActivityKind.NOTE}


@transaction.atomic
def lead_log_activity(*, lead: Lead, kind: str, data: dict, user) -> Activity:
    """Create a `kind` activity from `data` (subject, body, start, end, delegated_to,
    mail_to) on the lead; raises LeadError with a German message."""
    if kind not in QUICK_KINDS:
        raise LeadError(_("Diese Art kann hier nicht erfasst werden."))
    partner = lead_partner_fields(lead)
    values = {
        "kind": kind,
        "subject": (data.get("subject") or "").strip(),
        "body": data.get("body") or "",
        "start": data.get("start"),
        "end": data.get("end"),
        "status": ActivityStatus.DONE if kind in _DONE_ON_CREATE else ActivityStatus.OPEN,
        "person": partner["person"],
        "company": partner["company"],
        "company_text": partner["company_text"],
        "contact_name": partner["contact_name"],
        "contact_phone": partner["contact_phone"],
        "contact_email": partner["contact_email"],
    }
    if kind in _DONE_ON_CREATE and values["start"] is None:
        values["start"] = timezone.now()
    if data.get("delegated_to") is not None:
        values["delegated_to"] = data["delegated_to"]
    if kind == ActivityKind.EMAIL_OUT:
        values["mail_state"] = MailState.DRAFT
    try:
        activity = activity_create(data=values, user=user)
        lead.activities.add(activity)
        if kind == ActivityKind.EMAIL_OUT:
            activity_queue_mail(
                activity=activity,
                subject=activity.subject,
                body=activity.body,
                mail_to=data.get("mail_to") or "",
                mail_cc="",
                user=user,
            )
    except ActivityError as exc:
        raise LeadError(exc.message) from exc
    except ValidationError as exc:
        raise LeadError(" ".join(exc.messages), field="mail_to") from exc
    return activity
