"""Double opt-in [DOI] for marketing consent, and its withdrawal.

A request (ConsentRecord "requested") gets a confirmation mail with a signed link whose
token carries the record id and expires after `LEADCRM_DOI_MAX_AGE_DAYS` (default 7).
The mail is an outbox entry: due while the request's `mail_sent_at` is empty, queued after
commit and re-scanned by a beat job, so a broker outage delays it but never loses it.
The click records a ConsentRecord "confirmed" pointing at the request (one-to-one: a
link confirms once; a second click is refused). Withdrawal links never expire.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from leads.models import ConsentAction, ConsentRecord
from leads.services.consent import consent_withdraw

DOI_SALT = "leads.doi.confirm"
WITHDRAW_SALT = "leads.doi.withdraw"
MAX_DOI_MAIL_ATTEMPTS = 5
# confirmation mails to one address per 24 hours, whoever fills in the form (the public
# form must not become a mail cannon against a third party's inbox)
DOI_MAILS_PER_ADDRESS_PER_DAY = 3
# the re-scan leaves younger requests to the task queued on commit
DOI_RESCAN_GRACE_MINUTES = 5
log = logging.getLogger(__name__)


class DoiMailError(Exception):
    """Sending a confirmation mail failed; the request stays due (retry, re-scan)."""


class DoiError(Exception):
    """The link cannot confirm; `reason` is expired | invalid | used, `message` German."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def doi_max_age_seconds() -> int:
    return int(getattr(settings, "LEADCRM_DOI_MAX_AGE_DAYS", 7)) * 24 * 3600


def confirm_token(record: ConsentRecord) -> str:
    return signing.TimestampSigner(salt=DOI_SALT).sign(str(record.pk))


def withdraw_token(record: ConsentRecord) -> str:
    return signing.Signer(salt=WITHDRAW_SALT).sign(str(record.pk))


def _load(token: str, *, salt: str, max_age: int | None) -> int:
    try:
        if max_age is None:
            raw = signing.Signer(salt=salt).unsign(token)
        else:
            raw = signing.TimestampSigner(salt=salt).unsign(token, max_age=max_age)
        return int(raw)
    except signing.SignatureExpired as exc:
        raise DoiError(
            "expired",
            _(
                "Dieser Bestätigungslink ist abgelaufen. Bitte füllen Sie das Formular "
                "erneut aus, um einen neuen Link zu erhalten."
            ),
        ) from exc
    except (signing.BadSignature, ValueError) as exc:
        raise DoiError("invalid", _("Dieser Link ist ungültig.")) from exc


def _subject(record: ConsentRecord) -> dict:
    return {"lead": record.lead, "person": record.person}


@transaction.atomic
def doi_confirm(*, token: str, ip_address: str | None, user_agent: str) -> ConsentRecord:
    """Record the proof of the click; raises DoiError on a bad, expired or used link."""
    pk = _load(token, salt=DOI_SALT, max_age=doi_max_age_seconds())
    request = (
        ConsentRecord.objects.select_for_update()
        .filter(pk=pk, action=ConsentAction.REQUESTED)
        .first()
    )
    if request is None:
        raise DoiError("invalid", _("Dieser Link ist ungültig."))
    if ConsentRecord.objects.filter(confirms=request).exists():
        raise DoiError("used", _("Diese Einwilligung wurde bereits bestätigt."))
    try:
        with transaction.atomic():
            return ConsentRecord.objects.create(
                **_subject(request),
                action=ConsentAction.CONFIRMED,
                purpose=request.purpose,
                email=request.email,
                text_version=request.text_version,
                text=request.text,
                ip_address=ip_address or None,
                user_agent=(user_agent or "")[:300],
                confirms=request,
            )
    except IntegrityError as exc:  # a concurrent click won
        raise DoiError("used", _("Diese Einwilligung wurde bereits bestätigt.")) from exc


def consent_record_for_withdrawal(token: str) -> ConsentRecord:
    pk = _load(token, salt=WITHDRAW_SALT, max_age=None)
    record = ConsentRecord.objects.select_related("lead", "person").filter(pk=pk).first()
    if record is None:
        raise DoiError("invalid", _("Dieser Link ist ungültig."))
    return record


def consent_withdraw_by_token(
    *, token: str, ip_address: str | None, user_agent: str
) -> ConsentRecord:
    record = consent_record_for_withdrawal(token)
    return consent_withdraw(
        lead=record.lead,
        person=record.person,
        purpose=record.purpose,
        email=record.email,
        ip_address=ip_address,
        user_agent=user_agent,
    )


def consent_state(records) -> str:
    """The current state from a log (newest first): the latest action, or ""."""
    for record in records:
        return record.action
    return ""


def doi_mails_due(*, grace_minutes: int = DOI_RESCAN_GRACE_MINUTES) -> list[int]:
    """Requests whose confirmation mail is still due: unsent, not given up, older than the
    grace period (their first task may still be on its way) and not yet expired."""
    now = timezone.now()
    return list(
        ConsentRecord.objects.filter(
            action=ConsentAction.REQUESTED,
            mail_sent_at__isnull=True,
            mail_attempts__lt=MAX_DOI_MAIL_ATTEMPTS,
            created_at__lt=now - timedelta(minutes=grace_minutes),
            created_at__gte=now - timedelta(seconds=doi_max_age_seconds()),
        )
        .exclude(email="")
        .order_by("id")
        .values_list("id", flat=True)[:500]
    )


def send_doi_mail(*, record_id: int, base_url: str = "") -> bool:
    """Send the confirmation mail of a request once; True when this call sent it.

    The row stays locked while the mail goes out, so a second copy of the task (a redelivered
    message, a re-scan racing the first send) waits and then finds it sent. Only a crash
    between the ESP accepting the mail and the commit can send it twice. A failed attempt is
    counted and raises DoiMailError (retry) until MAX_DOI_MAIL_ATTEMPTS.
    """
    with transaction.atomic():
        record = (
            ConsentRecord.objects.select_for_update()
            .filter(pk=record_id, action=ConsentAction.REQUESTED, mail_sent_at__isnull=True)
            .exclude(email="")  # erased meanwhile
            .first()
        )
        if record is None or record.mail_attempts >= MAX_DOI_MAIL_ATTEMPTS:
            return False
        if _address_limit_reached(record):
            log.warning("DOI mail of consent %s not sent: daily limit of its address", record_id)
            record.mail_attempts = MAX_DOI_MAIL_ATTEMPTS  # given up: the re-scan skips it
            record.save(update_fields=["mail_attempts"])
            return False
        record.mail_attempts += 1
        failure: Exception | None = None
        try:
            _doi_message(record, base_url or settings.BASE_URL).send()
        except Exception as exc:  # ESP/SMTP error, broken template: keep it due, count it
            failure = exc
        else:
            record.mail_sent_at = timezone.now()
        record.save(update_fields=["mail_attempts", "mail_sent_at"])
    if failure is None:
        return True
    if record.mail_attempts >= MAX_DOI_MAIL_ATTEMPTS:
        log.error("DOI mail of consent %s failed for good: %s", record_id, failure)
        return False
    log.warning(
        "DOI mail of consent %s failed (attempt %s): %s", record_id, record.mail_attempts, failure
    )
    raise DoiMailError(str(failure)) from failure


def _address_limit_reached(record: ConsentRecord) -> bool:
    limit = getattr(settings, "DOI_MAILS_PER_ADDRESS_PER_DAY", DOI_MAILS_PER_ADDRESS_PER_DAY)
    sent = ConsentRecord.objects.filter(
        email__iexact=record.email, mail_sent_at__gte=timezone.now() - timedelta(days=1)
    ).count()
    return sent >= limit


def _doi_message(record: ConsentRecord, base_url: str) -> EmailMultiAlternatives:
    confirm_url = base_url.rstrip("/") + reverse(
        "capture:doi_confirm", args=[confirm_token(record)]
    )
    withdraw_url = base_url.rstrip("/") + reverse(
        "capture:consent_withdraw", args=[withdraw_token(record)]
    )
    lead = record.lead
    name = ""
    if lead is not None:
        name = " ".join(p for p in (lead.salutation, lead.last_name) if p)
    context = {
        "record": record,
        "name": name,
        "confirm_url": confirm_url,
        "withdraw_url": withdraw_url,
        "max_age_days": doi_max_age_seconds() // 86400,
        "campaign": lead.campaign if lead is not None else None,
    }
    subject = _("Bitte bestätigen Sie Ihre Einwilligung")
    text = render_to_string("capture/doi_mail.txt", context)
    html = render_to_string("capture/doi_mail.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[record.email]
    )
    message.attach_alternative(html, "text/html")
    return message
