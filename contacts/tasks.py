"""Celery tasks of the contacts app: thin wrappers that reload rows and call a service."""

from celery import shared_task
from django.db import OperationalError

from contacts import services
from jobs.models import Job


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def bulk_update_run(job_id: int) -> None:
    job = Job.objects.filter(pk=job_id).select_related("created_by").first()
    if job is None:
        return
    services.bulk_update_run(job=job)
