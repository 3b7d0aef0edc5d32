"""Celery tasks of the webhooks: thin, id-taking, safe to run twice (the row is claimed
under a lock and only a pending, due row is sent)."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from webhooks import delivery

TRANSIENT_ERRORS = (OperationalError, InterfaceError)


@shared_task(
    name="webhooks.tasks.deliver_webhook",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    max_retries=5,
)
def deliver_webhook(delivery_id: int) -> str:
    return delivery.webhook_deliver(delivery_id=delivery_id)


@shared_task(name="webhooks.tasks.requeue_due_webhooks")
def requeue_due_webhooks() -> int:
    """Beat re-scan: queue every due delivery (retries, and rows whose task was lost)."""
    ids = delivery.due_delivery_ids()
    for delivery_id in ids:
        deliver_webhook.delay(delivery_id)
    return len(ids)
