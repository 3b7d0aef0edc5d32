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
from leads.models import Lead
from leads.services.appointments import lead_main_contact
from leads.services.quick_log import lead_log_activity
from sequences.models import Enrolment, SequenceStep, StepKind
from sequences.unsubscribe import unsubscribe_url


def mail_context(*, lead: Lead, contact, user) -> dict:
    """Plain values only (the admin's template can read nothing else); the same names as
    the process mails (`processes.services.mail_context`) so one template serves both."""
    person = contact
    return {
        "lead": {
            "number": lead.number,
            "company_name": (lead.customer.name if lead.customer_id else "") or lead.company_name,
            "contact_name": lead.contact_name,
            "display_name": lead.display_name,
            "email": lead.email,
            "phone": str(lead.phone or ""),
            "city": lead.city,
        },
        "contact": {
            "salutation": person.salutation if person else lead.salutation,
            "title": person.title if person else "",
            "first_name": person.first_name if person else lead.first_name,
            "last_name": person.last_name if person else lead.last_name,
            "full_name": person.full_name if person else lead.contact_name,
            "email": person.email if person else lead.email,
        },
        "user": {
            "full_name": (user.get_full_name() or user.username) if user else "",
            "first_name": user.first_name if user else "",
            "last_name": user.last_name if user else "",
            "email": user.email if user else "",
            "signature": user.signature if user else "",
        },
        "appointment": {"start": None, "end": None},
    }


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
        context=mail_context(lead=lead, contact=contact, user=sender),
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
