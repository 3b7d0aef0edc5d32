"""Reads for the bell and the notification list."""

from __future__ import annotations

from notifications.models import Job, Notification

BELL_SIZE = 10


def bell_for_user(user) -> dict:
    """Unread count (one COUNT over the partial unread index) and the newest entries."""
    qs = Notification.objects.for_user(user)
    return {
        "unread_count": qs.unread().count(),
        "items": list(qs.order_by("-created_at", "-id")[:BELL_SIZE]),
    }


def job_for_user(*, job_id: int, user) -> Job | None:
    """The job when `user` started it or is staff; None otherwise."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        return None
    if job.created_by_id != user.pk and not user.is_staff:
        return None
    return job
