"""Celery tasks of the jobs app: the beat re-scan that re-queues lost and stalled jobs."""

from celery import shared_task

from jobs.runner import job_requeue_stalled


@shared_task(name="jobs.tasks.requeue_stalled_jobs", acks_late=True)
def requeue_stalled_jobs() -> int:
    return job_requeue_stalled()
