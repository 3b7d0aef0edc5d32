"""Celery tasks of the leads app: thin wrappers that take ids and call services.

Append new tasks below; keep each task small and idempotent.
"""

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from leads.jobs import tasks as scheduled_jobs  # noqa: F401  (the worker imports leads.tasks only)

RESCORE_BATCH = 1000


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def rescore_all_leads(job_id: int) -> None:
    """Recompute every lead's score in id-ordered batches, writing progress to the Job.

    Safe to run twice: scores are a pure function of ratings and criteria, and the job
    resumes from its `result["last_id"]` after a retry.
    """
    from leads.models import Lead
    from leads.services.scoring import rescore_leads
    from notifications.models import Job, JobState

    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.is_finished:
        return
    last_id = int((job.result or {}).get("last_id", 0))
    if not job.total:
        Job.objects.filter(pk=job_id).update(total=Lead.objects.count())
    Job.objects.filter(pk=job_id).update(state=JobState.RUNNING)
    try:
        while True:
            if Job.objects.filter(pk=job_id, cancel_requested=True).exists():
                Job.objects.filter(pk=job_id).update(
                    state=JobState.CANCELLED, finished_at=timezone.now()
                )
                return
            ids = list(
                Lead.objects.filter(pk__gt=last_id)
                .order_by("pk")
                .values_list("pk", flat=True)[:RESCORE_BATCH]
            )
            if not ids:
                break
            done = rescore_leads(ids)
            last_id = ids[-1]
            job.refresh_from_db(fields=["done"])
            Job.objects.filter(pk=job_id).update(done=job.done + done, result={"last_id": last_id})
    except OperationalError:
        raise
    except Exception as exc:  # noqa: BLE001 - record the failure on the job for the user
        Job.objects.filter(pk=job_id).update(
            state=JobState.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    Job.objects.filter(pk=job_id).update(
        state=JobState.DONE, result={"last_id": last_id}, finished_at=timezone.now()
    )
