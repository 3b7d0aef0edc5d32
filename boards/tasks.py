"""Celery tasks of the boards (thin: they call a service)."""

from celery import shared_task
from django.db import OperationalError

from boards.summary import refresh_summary


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def refresh_dashboard_summary() -> str:
    return refresh_summary().isoformat()
