"""What a step writes on the lead: the mail (an outbox activity) and the owner's task.

Both are ordinary activities created through `leads.services.quick_log.lead_log_activity`
(linked to the lead, shown on its timeline, the mail queued in the outbox of
`activities.mail` and sent after commit). The mail text is the template rendered over the
same restricted context the lead's process mails see, the sender's signature and the
unsubscribe footer with the signed link.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from activities.mail import render_mail, with_signature
from activities.models import Activity, ActivityKind
from leads.mail_context import lead_mail_context
from leads.models import Lead
from leads.services.appointments import lead_main_contact
from leads.services.quick_log import lead_log_activity
from sequences.models import Enrolment, SequenceStep, StepKind
from sequences.unsubscribe import unsubscribe_url


def recipient(lead: Lead) -> tuple[object, str]:
    """(main contact or None, the address the mail goes to, "" when there is none)."""
    contact = lead_main_contact(lead)
    return contact, (contact.email if contact and contact.email else "") or lead.email


def unsubscribe_footer(enrolment: Enrolment) -> str:
    return _(
        "Sie möchten keine weiteren E-Mails dieser Art von uns erhalten? Hier abmelden: %(url)s"
    ) % {"url": unsubscribe_url(enrolment.pk)}


def step_mail_create(
    *, enrolment: Enrolment, step: SequenceStep, contact, address: str, sender
) -> Activity:
    """Render the template (MailTemplateError: nothing saved) and queue the mail."""
    lead = enrolment.lead
    template = step.template
    subject, body = render_mail(
        subject=template.subject,
        body=template.body,
        context=lead_mail_context(lead=lead, contact=contact, user=sender),
    )
    body = with_signature(body, sender.signature if sender else "")
    body = f"{body.rstrip()}\n\n{unsubscribe_footer(enrolment)}\n"
    return lead_log_activity(
        lead=lead,
        kind=ActivityKind.EMAIL_OUT,
        data={"subject": subject[:200], "body": body, "mail_to": address},
        user=sender,
    )


def step_task_create(*, enrolment: Enrolment, step: SequenceStep, owner) -> Activity:
    label = _("Anruf") if step.kind == StepKind.CALL else _("Aufgabe")
    subject = f"{label}: {step.subject}" if step.subject else str(label)
    body = _("Aus der Nachfass-Sequenz „%(name)s“.") % {"name": enrolment.sequence.name}
    return lead_log_activity(
        lead=enrolment.lead,
        kind=ActivityKind.TASK,
        data={
            "subject": subject[:200],
            "body": body,
            "start": timezone.now(),
            "delegated_to": owner,
        },
        user=owner,
    )
