"""Celery tasks of the sla app: thin wrappers around `sla.jobs`."""

from celery import shared_task
from django.db import OperationalError

from sla.jobs import sla_check


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def check_response_slas() -> dict:
    """Due times, first responses, warnings, escalations (`sla.jobs.sla_check`); safe to
    run twice."""
    return sla_check().as_dict()
