"""The scheduled jobs as Celery tasks: registered names, delivery options, retries."""

import datetime as dt

import pytest
from django.db import OperationalError
from django.utils import timezone

import leads.tasks  # noqa: F401 - registers leads.jobs_tasks as the worker does
import notifications.tasks  # noqa: F401
import privacy.tasks  # noqa: F401
from leadcrm.celery import app
from leads.jobs.tasks import notify_overdue_follow_ups
from notifications.models import Kind, Notification
from notifications.schedules import SCHEDULES
from tests.factories import LeadFactory

JOBS = {
    "leads.tasks.notify_overdue_follow_ups",
    "leads.tasks.flag_stale_leads",
    "leads.tasks.send_stale_digests",
    "leads.tasks.apply_retention",
    "notifications.tasks.send_daily_digests",
}


@pytest.mark.smoke
def test_every_scheduled_job_of_this_area_is_registered_with_safe_options():
    scheduled = {task for _name, task, _when in SCHEDULES}
    assert scheduled >= JOBS
    for name in JOBS:
        task = app.tasks[name]
        assert task.acks_late, name
        assert task.reject_on_worker_lost, name
        assert OperationalError in task.autoretry_for, name
        assert task.retry_backoff and task.max_retries, name


@pytest.mark.django_db
def test_a_transient_database_error_is_retried(monkeypatch, rep):
    from leads.jobs import overdue

    real = overdue.overdue_follow_ups_notify
    calls = []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(**kwargs)

    monkeypatch.setattr(overdue, "overdue_follow_ups_notify", flaky)
    LeadFactory(follow_up_by=rep, follow_up_until=timezone.localdate() - dt.timedelta(days=2))

    result = notify_overdue_follow_ups.apply(throw=False)

    assert result.successful()
    assert len(calls) == 2
    assert Notification.objects.filter(recipient=rep, kind=Kind.FOLLOW_UP_OVERDUE).count() == 1
