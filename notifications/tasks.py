"""Celery tasks of the notifications app: thin, argument-free or id-taking, idempotent."""

from dataclasses import asdict

from celery import shared_task
from django.db import InterfaceError, OperationalError

from notifications.digest import daily_digests_send

TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


@shared_task(
    name="notifications.tasks.send_daily_digests",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def send_daily_digests() -> dict:
    return asdict(daily_digests_send())
