"""Issue 19, point 4: the UI can resume a stuck job — running, but without a heartbeat for
the re-scan's `STALL_AFTER` (one rule: `jobs.runner._stalled`), besides failed and cancelled
ones; the import page offers "fortsetzen" for it."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from capture.imports.files import IMPORT_TASK
from jobs import runner
from jobs.models import Job, JobState
from leads.models import LeadImport
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RESUME_BUTTON = "fortsetzen</button>"


class _Task:
    def __init__(self):
        self.sent = []

    def delay(self, job_id):
        self.sent.append(job_id)


def _running(user=None, *, silent_for: timedelta) -> Job:
    job = runner.job_create(kind="lead_import", title="Import", user=user or UserFactory())
    Job.objects.filter(pk=job.pk).update(
        state=JobState.RUNNING, heartbeat_at=timezone.now() - silent_for
    )
    job.refresh_from_db()
    return job


def test_a_stuck_job_is_resumed_a_live_one_is_not():
    stuck = _running(silent_for=runner.STALL_AFTER + timedelta(minutes=1))
    live = _running(silent_for=timedelta(seconds=5))
    assert runner.job_can_resume(job=stuck) and not runner.job_can_resume(job=live)
    assert runner.job_resume(job=stuck) and stuck.state == JobState.PENDING
    assert not runner.job_resume(job=live)
    live.refresh_from_db()
    assert live.state == JobState.RUNNING


def test_resume_and_rescan_share_the_stall_rule():
    """What the beat re-scan would queue again is exactly what the UI may resume."""
    now = timezone.now()
    jobs = [
        _running(silent_for=runner.STALL_AFTER - timedelta(seconds=30)),
        _running(silent_for=runner.STALL_AFTER + timedelta(seconds=30)),
    ]
    for job in jobs:
        Job.objects.filter(pk=job.pk).update(task="test.run")
    resumable = [runner.job_can_resume(job=job, now=now) for job in jobs]
    assert resumable == [False, True]


def _import(user, job) -> LeadImport:
    lead_import = LeadImport.objects.create(
        original_name="messe.csv", file_format="csv", created_by=user, job=job
    )
    lead_import.file.save("messe.csv", ContentFile(b"Firma;Nachname\nA;B\n"), save=True)
    return lead_import


def test_import_page_offers_to_resume_a_stuck_import(
    marketing, marketing_client, monkeypatch, django_capture_on_commit_callbacks
):
    task = _Task()
    monkeypatch.setattr(runner.current_app, "tasks", {IMPORT_TASK: task})
    live = _import(marketing, _running(marketing, silent_for=timedelta(seconds=5)))
    page = marketing_client.get(reverse("capture:import_detail", args=[live.pk]))
    assert RESUME_BUTTON not in page.content.decode()

    stuck = _import(marketing, _running(marketing, silent_for=timedelta(hours=1)))
    page = marketing_client.get(reverse("capture:import_detail", args=[stuck.pk]))
    assert RESUME_BUTTON in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = marketing_client.post(reverse("capture:import_resume", args=[stuck.pk]))
    assert response.status_code == 302
    stuck.job.refresh_from_db()
    assert stuck.job.state == JobState.PENDING
    assert task.sent == [stuck.job_id]
