"""Jobs survive broker and worker faults (real Redis, real Celery workers, PostgreSQL).

1. Redis is killed while the overdue job runs, restarted, and the job runs again: every
   overdue lead has exactly one notification (none lost, none twice).
2. A worker is killed (SIGKILL) in the middle of a task: the task is redelivered to the
   next worker and its effect exists once.

Both need several connections to one database (PostgreSQL) and a redis-server binary; each
test starts its own Redis (AOF on, so queued messages survive the kill) on a free port.
"""

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from celery.signals import task_postrun, task_prerun
from django.db import connection
from django.utils import timezone

from notifications.models import Kind, Notification
from tests.celery_support import RedisServer, embedded_worker, make_app, wait_for
from tests.factories import UserFactory
from tests.factories.leads import bulk_leads

REPO = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server missing"),
]


@pytest.fixture(autouse=True)
def _broker_env(redis_server, monkeypatch):
    """Celery prefers the CELERY_BROKER_URL environment variable over an app's config (the
    test script sets it for the whole suite): point it at this test's own Redis."""
    monkeypatch.setenv("CELERY_BROKER_URL", redis_server.url)


@pytest.fixture(autouse=True)
def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("the worker needs a database shared between processes (PostgreSQL)")


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    server.stop()


def overdue_per_lead() -> dict[int, int]:
    counts: dict[int, int] = {}
    for object_id in Notification.objects.filter(kind=Kind.FOLLOW_UP_OVERDUE).values_list(
        "object_id", flat=True
    ):
        counts[object_id] = counts.get(object_id, 0) + 1
    return counts


def test_redis_killed_during_overdue_job_loses_and_duplicates_nothing(redis_server):
    owners = [UserFactory() for _ in range(3)]
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    leads = []
    for owner in owners:
        leads += bulk_leads(2000, follow_up_by=owner, follow_up_until=yesterday)
    expected = {lead.pk for lead in leads}

    app = make_app(redis_server.url, visibility_timeout=5)
    started, finished = threading.Event(), []

    def on_prerun(sender=None, **kwargs):
        if sender.name == "leads.tasks.notify_overdue_follow_ups":
            started.set()

    def on_postrun(sender=None, **kwargs):
        if sender.name == "leads.tasks.notify_overdue_follow_ups":
            finished.append(kwargs.get("state"))

    task_prerun.connect(on_prerun, weak=False)
    task_postrun.connect(on_postrun, weak=False)
    try:
        with embedded_worker(app):
            app.send_task("leads.tasks.notify_overdue_follow_ups")
            assert started.wait(30), "the job never started"
            redis_server.kill()  # the broker goes away while the job works
            wait_for(lambda: finished, 60, "the interrupted run to end")
            redis_server.start()  # same data dir: the queue comes back from the AOF
            app.send_task("leads.tasks.notify_overdue_follow_ups")
            wait_for(lambda: len(finished) >= 2, 60, "the second run")
            # a redelivered copy of the first message may still arrive: give it its chance
            time.sleep(7)
    finally:
        task_prerun.disconnect(on_prerun)
        task_postrun.disconnect(on_postrun)

    per_lead = overdue_per_lead()
    assert set(per_lead) == expected  # none lost
    assert set(per_lead.values()) == {1}  # none twice


def start_worker_process(broker_url: str, log: Path) -> subprocess.Popen:
    settings_dict = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://{USER}:{PASSWORD}@{HOST}:{PORT}/{NAME}".format(
            **{k: settings_dict.get(k) or "" for k in ("USER", "PASSWORD", "HOST", "PORT")},
            NAME=settings_dict["NAME"],
        ),
        "CELERY_BROKER_URL": broker_url,
        "LEADCRM_TEST_BROKER": broker_url,
        "LEADCRM_TEST_VISIBILITY_TIMEOUT": "3",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "PYTHONPATH": str(REPO),
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tests.celery_support",
            "worker",
            "--pool",
            "solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "INFO",
        ],
        cwd=REPO,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop_process(proc: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, sig)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


def test_worker_killed_mid_task_is_redelivered_and_effect_happens_once(redis_server, tmp_path):
    user = UserFactory()
    key = "reliability:effect"
    app = make_app(redis_server.url)
    log = tmp_path / "worker.log"
    rows = Notification.objects.filter(recipient=user)

    first = start_worker_process(redis_server.url, log)
    second = None
    try:
        app.send_task("tests.celery_support.record_effect", args=[user.pk, key, 120])
        wait_for(
            lambda: rows.filter(dedupe_key__startswith=f"{key}:attempt:").exists(),
            90,
            "the first worker to start the task",
        )
        stop_process(first, signal.SIGKILL)  # dies mid-task, the message stays unacked

        second = start_worker_process(redis_server.url, log)
        wait_for(
            lambda: rows.filter(dedupe_key__startswith=f"{key}:done:").exists(),
            90,
            "the redelivered task to finish",
        )
    except AssertionError:
        print(log.read_text(errors="replace")[-4000:])
        raise
    finally:
        stop_process(first, signal.SIGKILL)
        if second is not None:
            stop_process(second)

    assert rows.filter(dedupe_key__startswith=f"{key}:attempt:").count() == 2  # ran twice
    assert rows.filter(dedupe_key=key).count() == 1  # effect once
    done = rows.get(dedupe_key__startswith=f"{key}:done:")
    assert done.title != f"done {first.pid}"  # finished by the second worker
