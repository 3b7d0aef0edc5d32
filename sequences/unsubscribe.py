"""The one-click unsubscribe of sequence mails (RFC 8058).

Each sequence mail carries a signed link to `sequences:unsubscribe` in its text and the
same URL in `List-Unsubscribe`, with `List-Unsubscribe-Post: List-Unsubscribe=One-Click`
so mail clients offer their own "Abmelden" button, which POSTs to the link without a
login and without our CSRF token: the signature is the proof. A GET (a person clicking
the link, or a scanner following it) only shows a confirmation page; the POST records
an opt-out in the lead's consent log and stops every active enrolment of the lead.

The token carries the enrolment id (never expires: an unsubscribe link must work for
years); the headers are added when the mail is built (`activities.mail` asks
`unsubscribe_headers` through its header hook), so a retried mail keeps them.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from leads.models import ConsentAction, Lead
from leads.services.consent import consent_withdraw
from sequences.models import (
    MARKETING,
    Enrolment,
    EnrolmentState,
    StepRun,
    StopReason,
    latest_consent_action,
)

SALT = "sequences.unsubscribe"


class UnsubscribeError(Exception):
    """The link is not one of ours (bad signature, unknown enrolment)."""


def unsubscribe_token(enrolment_id: int) -> str:
    return signing.Signer(salt=SALT).sign(str(enrolment_id))


def unsubscribe_url(enrolment_id: int) -> str:
    return settings.BASE_URL + reverse(
        "sequences:unsubscribe", args=[unsubscribe_token(enrolment_id)]
    )


def enrolment_for_token(token: str) -> Enrolment:
    try:
        pk = int(signing.Signer(salt=SALT).unsign(token or ""))
    except (signing.BadSignature, ValueError) as exc:
        raise UnsubscribeError(token) from exc
    enrolment = Enrolment.objects.select_related("lead", "sequence").filter(pk=pk).first()
    if enrolment is None:
        raise UnsubscribeError(token)
    return enrolment


def unsubscribe_headers(activity) -> dict[str, str]:
    """The RFC 8058 headers of a sequence mail; {} for every other mail."""
    run = StepRun.objects.filter(activity_id=activity.pk).only("enrolment_id").first()
    if run is None:
        return {}
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(run.enrolment_id)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def is_unsubscribed(lead: Lead) -> bool:
    action = latest_consent_action(lead.pk, lead.email).first()
    return bool(action) and action["action"] == ConsentAction.WITHDRAWN


@transaction.atomic
def lead_unsubscribe(*, enrolment: Enrolment, ip_address: str | None, user_agent: str) -> int:
    """Record the opt-out (once: a second click adds nothing) and stop the lead's active
    enrolments; returns how many were stopped."""
    lead = Lead.objects.select_for_update().get(pk=enrolment.lead_id)
    if not is_unsubscribed(lead):
        consent_withdraw(
            lead=lead,
            purpose=MARKETING,
            email=lead.email,
            text=str(enrolment.sequence),
            ip_address=ip_address,
            user_agent=user_agent,
        )
    return Enrolment.objects.filter(lead=lead, state=EnrolmentState.ACTIVE).update(
        state=EnrolmentState.STOPPED,
        stop_reason=StopReason.UNSUBSCRIBED,
        next_run_at=None,
        ended_at=timezone.now(),
    )
