"""Webhooks while Redis (the Celery broker) is really down: nothing lost, nothing twice.

The test starts its own redis-server on a free loopback port (as tests/leadcrm/
test_faults_redis.py does), kills it, and creates a lead through the service: the outbox row
is stored and the service call does not fail although its task cannot be queued. With Redis
back, a real Celery worker runs the beat re-scan, which delivers the row to a loopback
receiver exactly once; a second re-scan and a second copy of the delivery task send nothing.

Needs PostgreSQL (the worker thread must see the test's committed rows) and redis-server.
"""

from __future__ import annotations

import shutil
import time

import pytest
from celery.signals import task_postrun
from django.db import connection

from leads.services.lead import lead_create
from tests.celery_support import (
    Finished,
    RedisServer,
    current_app,
    embedded_worker,
    make_app,
    wait_for,
)
from tests.factories.leads import lead_data
from tests.webhooks.receiver import Receiver
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server missing"),
]

RESCAN = "webhooks.tasks.requeue_due_webhooks"
DELIVER = "webhooks.tasks.deliver_webhook"
# a publish to a dead broker must give up quickly, not hang the request
SLOW_CALL = 10.0


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


@pytest.fixture
def broker_app(redis_server, monkeypatch):
    # Celery prefers this environment variable (set by the test script) over app config
    monkeypatch.setenv("CELERY_BROKER_URL", redis_server.url)
    with current_app(make_app(redis_server.url)) as app:
        yield app


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.stop()


def test_event_while_broker_down_is_delivered_once_after_it_is_back(
    broker_app, redis_server, receiver, rep
):
    app = broker_app
    WebhookSubscription.objects.create(name="ERP", url=receiver.url, events=["lead.created"])
    with app.producer_or_acquire() as producer:  # a warm broker connection in the pool
        producer.connection.ensure_connection(max_retries=1)

    redis_server.kill()
    assert not redis_server.answers()

    started = time.monotonic()
    lead = lead_create(data=lead_data(), user=rep).lead  # commits; on_commit cannot queue
    assert time.monotonic() - started < SLOW_CALL
    row = WebhookDelivery.objects.get()  # stored in the outbox, not lost
    assert row.status == DeliveryStatus.PENDING and row.attempts == 0
    assert row.payload["data"]["number"] == lead.number
    assert receiver.requests == []

    redis_server.start()
    finished = Finished()
    task_postrun.connect(finished, weak=False)
    try:
        with embedded_worker(app):
            app.send_task(RESCAN)
            wait_for(lambda: finished.of(DELIVER), 60, "the re-queued delivery")
            assert finished.of(RESCAN) == [("SUCCESS", 1)]
            # a second scan finds nothing due; a second copy of the task sends nothing
            app.send_task(RESCAN)
            app.send_task(DELIVER, args=[row.pk])
            wait_for(lambda: len(finished.of(RESCAN)) == 2, 60, "the second re-scan")
            wait_for(lambda: len(finished.of(DELIVER)) == 2, 60, "the second delivery task")
    finally:
        task_postrun.disconnect(finished)

    assert finished.of(RESCAN)[1] == ("SUCCESS", 0)
    assert finished.of(DELIVER) == [("SUCCESS", "sent"), ("SUCCESS", "skipped")]
    assert len(receiver.requests) == 1  # exactly once
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT and row.attempts == 1
    headers = {k.lower(): v for k, v in receiver.requests[0]["headers"].items()}
    assert headers["webhook-id"] == row.message_id
