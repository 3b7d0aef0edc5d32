"""Celery queues (issue #18): an import never waits in front of a reminder or a mail.

`leadcrm/queues.py` is the one table; these tests hold every registered task to it and
show, on a real Redis with a real worker, that a worker of the mail queue sends mails
while an import waits in its own queue.
"""

import shutil

import pytest
import redis

from leadcrm import queues
from leadcrm.celery import app as project_app
from tests.celery_support import RedisServer, embedded_worker, make_app, wait_for


def registered_tasks(celery_app) -> set[str]:
    celery_app.loader.import_default_modules()
    return {name for name in celery_app.tasks if not name.startswith(("celery.", "tests."))}


def test_every_task_has_a_queue_and_limits():
    missing = registered_tasks(project_app) - set(queues.TASK_QUEUES)
    assert not missing, f"add these tasks to leadcrm/queues.py: {sorted(missing)}"
    assert set(queues.TASK_QUEUES.values()) <= set(queues.QUEUES)


def test_routes_and_time_limits_reach_the_celery_app():
    router = project_app.amqp.router
    assert router.route({}, "leads.tasks.run_import")["queue"].name == queues.BULK
    assert router.route({}, "activities.tasks.send_activity_mail")["queue"].name == queues.MAIL
    assert router.route({}, "some.unlisted.task")["queue"].name == queues.DEFAULT
    run_import = project_app.tasks["leads.tasks.run_import"]
    assert (run_import.soft_time_limit, run_import.time_limit) == queues.LIMITS[queues.BULK]
    assert project_app.conf.worker_max_tasks_per_child > 0


def test_no_task_outlives_the_visibility_timeout():
    """A late-acked task still running when the broker's visibility timeout passes would
    be delivered a second time; every hard limit ends it before."""
    for soft, hard in queues.LIMITS.values():
        assert soft < hard < queues.BROKER_VISIBILITY_TIMEOUT


def test_the_dev_worker_consumes_every_queue():
    text = open("scripts/run", encoding="utf-8").read()
    assert "-Q " + ",".join(queues.QUEUES) in text


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server missing")
def test_a_mail_worker_sends_while_an_import_waits_in_its_own_queue(tmp_path, monkeypatch):
    server = RedisServer(tmp_path / "redis")
    server.start()
    # Celery prefers this environment variable (set by the test script) over app config
    monkeypatch.setenv("CELERY_BROKER_URL", server.url)
    try:
        celery_app = make_app(broker_url=server.url)
        client = redis.Redis.from_url(server.url)
        celery_app.send_task("leads.tasks.run_import", args=[0])
        celery_app.send_task("activities.tasks.send_activity_mail", args=[0])
        assert (client.llen(queues.BULK), client.llen(queues.MAIL)) == (1, 1)
        with embedded_worker(celery_app, queues=[queues.MAIL]):
            wait_for(lambda: client.llen(queues.MAIL) == 0, 20, "the mail queue to drain")
        assert client.llen(queues.BULK) == 1  # the import is still there for a bulk worker
    finally:
        server.stop()
