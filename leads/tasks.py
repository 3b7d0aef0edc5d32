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


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def lead_bulk_run(job_id: int) -> None:
    """A bulk action of the lead list (`leads.bulk.actions.lead_bulk_run`); safe to run twice."""
    from jobs.models import Job
    from leads.bulk import actions  # reason: leads.bulk.actions imports this module

    job = Job.objects.select_related("created_by").filter(pk=job_id).first()
    if job is not None:
        actions.lead_bulk_run(job=job)
