"""Outgoing webhooks against a real receiver on loopback: signed per Standard Webhooks,
stored first (outbox), retried with backoff while the receiver is down, never sent twice,
switched off after a run of failures with a notification to the admins."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone
from standardwebhooks import Webhook

import events
from leads.services.lead import lead_create
from notifications.models import Kind, Notification
from tests.factories.leads import lead_data
from tests.webhooks.receiver import Receiver, free_port
from webhooks import delivery as sending
from webhooks.models import DeliveryStatus, Event, WebhookDelivery, WebhookSubscription
from webhooks.tasks import requeue_due_webhooks

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.stop()


def _subscribe(url: str, events_=("lead.created",), **kw) -> WebhookSubscription:
    return WebhookSubscription.objects.create(name="CRM-Sync", url=url, events=list(events_), **kw)


def test_event_catalogue_matches_the_hub():
    assert set(Event.values) == set(events.EVENTS)


def test_lead_created_is_delivered_signed(receiver, rep, django_capture_on_commit_callbacks):
    subscription = _subscribe(receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        lead = lead_create(data=lead_data(), user=rep).lead
    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    headers = {k.lower(): v for k, v in request["headers"].items()}
    payload = Webhook(subscription.secret).verify(request["body"], headers)
    assert payload["type"] == "lead.created"
    assert payload["data"]["number"] == lead.number
    row = WebhookDelivery.objects.get()
    assert row.status == DeliveryStatus.SENT and row.attempts == 1
    assert row.response_code == 200 and row.duration_ms is not None
    assert headers["webhook-id"] == row.message_id
    # a tampered body does not verify
    with pytest.raises(Exception):  # noqa: B017
        Webhook(subscription.secret).verify(request["body"].replace(b"Muster", b"Fake"), headers)


def test_unsubscribed_and_inactive_subscriptions_get_nothing(receiver, rep):
    _subscribe(receiver.url, events_=("opportunity.created",))
    _subscribe(receiver.url, active=False)
    lead_create(data=lead_data(), user=rep)
    assert not WebhookDelivery.objects.exists()


def test_rolled_back_change_sends_nothing(receiver, rep):
    _subscribe(receiver.url)
    with pytest.raises(RuntimeError), transaction.atomic():
        lead_create(data=lead_data(), user=rep)
        raise RuntimeError
    assert not WebhookDelivery.objects.exists()


def test_receiver_down_is_retried_later_and_sent_once(rep, django_capture_on_commit_callbacks):
    port = free_port()
    _subscribe(f"http://127.0.0.1:{port}/hook")
    with django_capture_on_commit_callbacks(execute=True):
        lead_create(data=lead_data(), user=rep)
    row = WebhookDelivery.objects.get()
    assert row.status == DeliveryStatus.PENDING and row.attempts == 1
    assert row.response_code is None and "ConnectionError" in row.error
    assert row.next_attempt_at > timezone.now()
    # not due yet: the beat re-scan leaves it
    assert requeue_due_webhooks() == 0
    server = Receiver(port=port)
    try:
        WebhookDelivery.objects.update(next_attempt_at=timezone.now())
        assert requeue_due_webhooks() == 1
        # a second run (task delivered twice, beat overlapping) sends nothing more
        assert sending.webhook_deliver(delivery_id=row.pk) == "skipped"
        assert requeue_due_webhooks() == 0
        assert len(server.requests) == 1
    finally:
        server.stop()
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT and row.attempts == 2


def test_lost_task_while_broker_is_down_is_sent_by_the_beat_rescan(
    receiver, rep, django_capture_on_commit_callbacks
):
    _subscribe(receiver.url)
    with django_capture_on_commit_callbacks(execute=False):  # the task never reaches a worker
        lead_create(data=lead_data(), user=rep)
    assert WebhookDelivery.objects.get().status == DeliveryStatus.PENDING
    assert receiver.requests == []
    assert requeue_due_webhooks() == 1
    assert len(receiver.requests) == 1


def test_error_answer_counts_as_failure_and_backs_off(receiver, rep):
    receiver.status = 500
    subscription = _subscribe(receiver.url)
    row = WebhookDelivery.objects.create(
        subscription=subscription, message_id="msg_1", event="lead.created", payload={"a": 1}
    )
    assert sending.webhook_deliver(delivery_id=row.pk) == "retry"
    row.refresh_from_db()
    assert row.response_code == 500 and row.attempts == 1
    assert (row.next_attempt_at - row.last_attempt_at) == dt.timedelta(seconds=30)
    subscription.refresh_from_db()
    assert subscription.failure_count == 1


@pytest.mark.parametrize(
    ("attempts", "seconds"), [(1, 30), (2, 60), (3, 120), (6, 960), (12, 6 * 3600), (30, 6 * 3600)]
)
def test_retry_delay_doubles_up_to_six_hours(attempts, seconds):
    assert sending.retry_delay(attempts) == dt.timedelta(seconds=seconds)


def test_gives_up_after_24_hours(receiver, rep):
    receiver.status = 503
    subscription = _subscribe(receiver.url)
    row = WebhookDelivery.objects.create(
        subscription=subscription,
        message_id="msg_old",
        event="lead.created",
        payload={},
        created_at=timezone.now() - dt.timedelta(hours=23, minutes=59, seconds=50),
    )
    assert sending.webhook_deliver(delivery_id=row.pk) == "failed"
    row.refresh_from_db()
    assert row.status == DeliveryStatus.FAILED
    stale = WebhookDelivery.objects.create(
        subscription=subscription,
        message_id="msg_older",
        event="lead.created",
        payload={},
        created_at=timezone.now() - dt.timedelta(hours=25),
    )
    assert requeue_due_webhooks() == 0
    stale.refresh_from_db()
    assert stale.status == DeliveryStatus.FAILED


def test_run_of_failures_disables_and_notifies_admins(receiver, rep, staff_admin, settings):
    settings.WEBHOOK_MAX_FAILURES = 2
    receiver.status = 500
    subscription = _subscribe(receiver.url)
    for n in range(3):
        row = WebhookDelivery.objects.create(
            subscription=subscription, message_id=f"msg_{n}", event="lead.created", payload={}
        )
        sending.webhook_deliver(delivery_id=row.pk)
    subscription.refresh_from_db()
    assert not subscription.active and subscription.disabled_at is not None
    assert len(receiver.requests) == 2  # the third is not sent to a disabled subscription
    notes = Notification.objects.filter(kind=Kind.WEBHOOK_DISABLED)
    assert [n.recipient for n in notes] == [staff_admin]
    assert "CRM-Sync" in notes[0].title or "CRM-Sync" in str(notes[0].params)


def test_success_resets_the_failure_run(receiver, rep):
    subscription = _subscribe(receiver.url, failure_count=5)
    row = WebhookDelivery.objects.create(
        subscription=subscription, message_id="msg_ok", event="lead.created", payload={}
    )
    assert sending.webhook_deliver(delivery_id=row.pk) == "sent"
    subscription.refresh_from_db()
    assert subscription.failure_count == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_once():
    """Two workers claim the same row at the same moment: SKIP LOCKED lets one send."""
    receiver = Receiver(delay=0.5)
    try:
        subscription = _subscribe(receiver.url)
        row = WebhookDelivery.objects.create(
            subscription=subscription, message_id="msg_race", event="lead.created", payload={}
        )
        results = []

        def work():
            try:
                results.append(sending.webhook_deliver(delivery_id=row.pk))
            finally:
                connection.close()

        threads = [threading.Thread(target=work) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(results) == ["sent", "skipped"]
        assert len(receiver.requests) == 1
    finally:
        receiver.stop()


def test_body_is_the_stored_payload(receiver):
    subscription = _subscribe(receiver.url)
    row = WebhookDelivery.objects.create(
        subscription=subscription, message_id="msg_b", event="lead.created", payload={"ä": "ö"}
    )
    sending.webhook_deliver(delivery_id=row.pk)
    assert json.loads(receiver.requests[0]["body"]) == {"ä": "ö"}
