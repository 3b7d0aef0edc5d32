"""Celery tasks of activities: thin, take ids, safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from activities import mail, reminders


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, mail.MailSendError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=mail.MAX_SEND_ATTEMPTS,
)
def send_activity_mail(activity_id: int) -> None:
    mail.activity_send_mail(activity_id=activity_id)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def requeue_pending_mails() -> int:
    """Beat: re-queue mails left `queued` (e.g. a broker message was lost)."""
    ids = mail.queued_mail_ids()
    for activity_id in ids:
        send_activity_mail.delay(activity_id)
    return len(ids)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def send_appointment_reminders() -> int:
    """Beat (every 5 min): remind delegated users of appointments starting soon."""
    return reminders.appointment_reminders_send()
