"""Celery tasks of the leads app: thin wrappers that take ids and call services.

Append new tasks below; keep each task small and idempotent.
"""

from celery import shared_task
from django.db import OperationalError

from leads.jobs import tasks as scheduled_jobs  # noqa: F401  (the worker imports leads.tasks only)
from leads.services import scoring


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def rescore_all_leads(job_id: int) -> None:
    """Recompute every lead's score (`scoring.rescore_all_run`); safe to run twice."""
    scoring.rescore_all_run(job_id=job_id)
