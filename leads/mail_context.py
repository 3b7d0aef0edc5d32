"""The restricted context a mail template sees: plain values only, so a template written
in the admin can read nothing else. One builder for the process mails (`processes`) and
the sequence mails (`sequences`), so one template serves both."""

from __future__ import annotations

from django.utils import timezone

from leads.models import Lead
from leads.services.appointments import lead_main_contact

_LOOK_UP = object()


def _contact(lead: Lead, contact) -> dict:
    if contact is not None:
        return {
            "salutation": contact.salutation,
            "title": contact.title,
            "first_name": contact.first_name,
            "last_name": contact.last_name,
            "full_name": contact.full_name,
            "email": contact.email,
        }
    return {
        "salutation": lead.salutation,
        "title": "",
        "first_name": lead.first_name,
        "last_name": lead.last_name,
        "full_name": lead.contact_name,
        "email": lead.email,
    }


def _user(user) -> dict:
    if user is None:
        return dict.fromkeys(("full_name", "first_name", "last_name", "email", "signature"), "")
    return {
        "full_name": user.get_full_name() or user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "signature": user.signature,
    }


def lead_mail_context(*, lead: Lead, user, contact=_LOOK_UP) -> dict:
    """The context for `activities.mail.render_mail`; `contact` is the lead's main contact
    (looked up when not given; None: the lead's own name fields), `user` the sender."""
    if contact is _LOOK_UP:
        contact = lead_main_contact(lead)
    return {
        "lead": {
            "number": lead.number,
            "company_name": (lead.customer.name if lead.customer_id else "") or lead.company_name,
            "contact_name": lead.contact_name,
            "display_name": lead.display_name,
            "email": lead.email,
            "phone": str(lead.phone or ""),
            "city": lead.city,
            "interest_names": ", ".join(i.name for i in lead.interests.all()),
            "notes": lead.notes,
        },
        "contact": _contact(lead, contact),
        "user": _user(user),
        "appointment": {
            "start": timezone.localtime(lead.planned_start) if lead.planned_start else None,
            "end": timezone.localtime(lead.planned_end) if lead.planned_end else None,
        },
    }
