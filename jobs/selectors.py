"""Reads of jobs for the progress pages."""

from __future__ import annotations

from jobs.models import Job


def job_for_user(*, job_id: int, user, kind: str | None = None, staff: bool = True) -> Job | None:
    """The job when `user` started it (or is staff, unless `staff=False`); None otherwise.

    `kind` narrows it to one kind of job, for a screen that shows only its own jobs
    (the bulk-update page shows neither other kinds nor other users' jobs, not even to staff).
    """
    qs = Job.objects.filter(pk=job_id)
    if kind is not None:
        qs = qs.filter(kind=kind)
    job = qs.first()
    if job is None:
        return None
    if job.created_by_id != user.pk and not (staff and user.is_superuser):
        return None
    return job
