"""No silent loss (issue 19, point 4): a broker outage leaves the job pending with a
message for the user, and the beat re-scan queues lost and stalled jobs again."""

from datetime import timedelta

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from jobs import runner
from jobs.models import Job, JobState
from notifications.schedules import SCHEDULES
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class _Task:
    def __init__(self, fail=False):
        self.fail, self.sent = fail, []

    def delay(self, job_id):
        if self.fail:
            raise KombuOperationalError("Error 111 connecting to redis:6379. Connection refused.")
        self.sent.append(job_id)


@pytest.fixture
def task(monkeypatch):
    fake = _Task()
    monkeypatch.setattr(runner.current_app, "tasks", {"test.run": fake})
    return fake


def _job(**fields):
    return runner.job_create(
        kind="test", title="Test", user=UserFactory(), task="test.run", **fields
    )


def _age(job, *, created=None, heartbeat=None, state=None):
    updates = {}
    if created is not None:
        updates["created_at"] = timezone.now() - created
    if heartbeat is not None:
        updates["heartbeat_at"] = timezone.now() - heartbeat
    if state is not None:
        updates["state"] = state
    Job.objects.filter(pk=job.pk).update(**updates)


def test_broker_down_leaves_the_job_pending_and_says_so(task, django_capture_on_commit_callbacks):
    task.fail = True
    with django_capture_on_commit_callbacks(execute=True):
        job = _job()
        runner.job_queue(job=job)
    assert job.queued is False
    job.refresh_from_db()
    assert job.state == JobState.PENDING
    assert "nicht erreichbar" in str(runner.BROKER_DOWN_MESSAGE)


def test_queue_sends_after_commit(task, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = _job()
        runner.job_queue(job=job)
        assert task.sent == []  # not before the row is committed
    assert task.sent == [job.pk] and job.queued is True


def test_rescan_requeues_lost_pending_and_stalled_running_jobs(task):
    fresh = _job()  # just created: its message may still be on its way
    lost = _job()
    _age(lost, created=timedelta(minutes=5))
    stalled = _job()  # a killed worker left it running
    _age(stalled, created=timedelta(hours=1), heartbeat=timedelta(minutes=30), state="running")
    alive = _job()
    _age(alive, created=timedelta(hours=1), heartbeat=timedelta(seconds=10), state="running")
    done = _job()
    _age(done, created=timedelta(hours=1), state="done")
    assert runner.job_requeue_stalled() == 2
    assert sorted(task.sent) == sorted([lost.pk, stalled.pk])
    assert fresh.pk not in task.sent and alive.pk not in task.sent


def test_rescan_stops_while_the_broker_is_still_down(task):
    task.fail = True
    job = _job()
    _age(job, created=timedelta(minutes=5))
    assert runner.job_requeue_stalled() == 0
    job.refresh_from_db()
    assert job.state == JobState.PENDING


def test_resumed_stalled_job_runs_once_and_the_second_delivery_skips():
    job = _job()
    _age(job, heartbeat=timedelta(hours=1), state="running")
    seen = []
    assert runner.job_run(job=job.pk, work=lambda run: seen.append(1)) == JobState.DONE
    assert runner.job_run(job=job.pk, work=lambda run: seen.append(2)) == runner.SKIPPED
    assert seen == [1]


def test_running_job_writes_a_heartbeat():
    job = _job()
    runner.job_run(job=job.pk, work=lambda run: run.progress(done=1))
    job.refresh_from_db()
    assert job.heartbeat_at is not None


def test_rescan_is_a_beat_schedule():
    assert ("Hintergrundaufträge prüfen", "jobs.tasks.requeue_stalled_jobs", {"minutes": 2}) in (
        SCHEDULES
    )


@pytest.mark.django_db(transaction=True)  # on_commit runs inside the request, as in production
def test_import_resume_with_the_broker_down_answers_with_a_message(
    monkeypatch, marketing, marketing_client
):
    from django.core.files.base import ContentFile
    from django.urls import reverse

    from leads.models import LeadImport

    monkeypatch.setattr(runner.current_app, "tasks", {"leads.tasks.run_import": _Task(fail=True)})
    job = runner.job_create(kind="lead_import", title="Import", user=marketing)
    Job.objects.filter(pk=job.pk).update(state=JobState.FAILED)
    lead_import = LeadImport.objects.create(
        original_name="messe.csv", file_format="csv", created_by=marketing, job=job
    )
    lead_import.file.save("messe.csv", ContentFile(b"Firma;Nachname\nA;B\n"), save=True)
    response = marketing_client.post(
        reverse("capture:import_resume", args=[lead_import.pk]), follow=True
    )
    assert response.status_code == 200
    assert "Hintergrunddienst ist gerade nicht erreichbar" in response.content.decode()
    job.refresh_from_db()
    assert job.state == JobState.PENDING  # the re-scan picks it up
