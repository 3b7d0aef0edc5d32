"""Recording a withdrawal of consent (Widerruf / Abmeldung): the one write of a
WITHDRAWN consent record, used by the DOI withdrawal link and the staff entry
(`capture.doi`) and by the one-click unsubscribe of sequence mails (`sequences`)."""

from __future__ import annotations

from leads.models import ConsentAction, ConsentRecord


def consent_withdraw(
    *,
    lead=None,
    person=None,
    purpose: str = "marketing",
    email: str = "",
    text: str = "",
    ip_address: str | None = None,
    user_agent: str = "",
    user=None,
) -> ConsentRecord:
    """Append a withdrawal for the lead and/or person to the consent log (by a link
    without login, or entered by staff: `user`)."""
    return ConsentRecord.objects.create(
        lead=lead,
        person=person,
        action=ConsentAction.WITHDRAWN,
        purpose=purpose,
        email=email,
        text=(text or "")[:4000],
        ip_address=ip_address or None,
        user_agent=(user_agent or "")[:300],
        recorded_by=user if user is not None and getattr(user, "is_authenticated", False) else None,
    )
