"""Redis goes down for real: pages keep working, the public form's rate limit degrades
safely, and what users do meanwhile is not lost.

One scenario, in the order an outage happens. The test starts its own redis-server on a free
loopback port and points the Django cache and the Celery broker at it, then:

1. Redis up: the dashboard summary sits in the cache, the web process has an open broker
   connection (as after its first sent task).
2. Redis killed (SIGKILL): the logged-in pages (start page, lead list, lead mask, board,
   dashboard, bell) answer 200 and the web-to-lead form neither 500s nor lets a flood
   through (its rate limit counts per process). A visitor who ticks the marketing consent
   is thanked too, and the double opt-in request is saved with its mail due (the DOI
   outbox). A rep sends a mail from the action box (the request succeeds, the activity stays
   `queued` in the database: the outbox) and adds a teammate to an appointment (the
   notification row is written).
3. Redis started again on the same port: a real Celery worker runs the beat jobs that
   re-scan both outboxes; the activity mail and the DOI mail are delivered exactly once (a
   second scan, and a second copy of the DOI task, send nothing) and the teammate's bell
   shows the notification.

Needs PostgreSQL (the worker thread has its own database connection and must see the
test's committed rows) and a redis-server binary.
"""

import shutil
import time
from datetime import timedelta

import pytest
from celery.signals import task_postrun
from django.core import mail, signing
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from activities.models import Activity, ActivityKind, MailState, MailTemplate, TemplatePurpose
from boards.summary import cache_key, refresh_summary
from leads.models import AssignmentRule, ConsentAction, ConsentRecord, Lead
from notifications.models import Notification
from tests.celery_support import (
    Finished,
    RedisServer,
    current_app,
    embedded_worker,
    make_app,
    wait_for,
)
from tests.factories import CampaignFactory
from tests.factories.activities import lead_with_appointment

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server missing"),
]

# A page that needs longer than this while Redis is down hangs on it (production's cache
# timeouts are 1 s, a publish gives up after ~1 s); generous for a loaded 2-core machine.
SLOW_REQUEST = 10.0
VISITOR = "198.51.100.44"
RESCAN = "activities.tasks.requeue_pending_mails"
SEND = "activities.tasks.send_activity_mail"
DOI_RESCAN = "leads.tasks.requeue_pending_doi_mails"
DOI_SEND = "leads.tasks.send_doi_mail"
DOI_VISITOR = "198.51.100.45"


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_everywhere(redis_server, settings, monkeypatch):
    """Cache and broker of this test on its own Redis; yields the Celery app (not eager)
    that `.delay()` goes through, in the test thread and in the worker thread."""
    # Celery prefers this environment variable (set by the test script) over app config
    monkeypatch.setenv("CELERY_BROKER_URL", redis_server.url)
    saved_caches = settings.CACHES
    settings.CACHES = {
        "default": {  # as leadcrm/settings.py configures it for REDIS_URL
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": "leadcrm",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    try:
        with current_app(make_app(redis_server.url)) as app:
            yield app
    finally:
        settings.CACHES = saved_caches  # conftest clears the (restored) cache afterwards


def timed(call, *args, **kwargs):
    started = time.monotonic()
    response = call(*args, **kwargs)
    return response, time.monotonic() - started


def web_form_payload(campaign, n: int) -> dict:
    from capture.views.webform import TIMESTAMP_SALT

    return {
        "salutation": "Frau",
        "first_name": "Julia",
        "last_name": f"Schneider{n}",
        "company_name": f"Sonnenhof Energie {n} GmbH",
        "email": f"julia.schneider{n}@sonnenhof-energie.de",
        "postal_code": "80331",
        "city": "München",
        "message": "Bitte um Rückruf.",
        "ts": signing.dumps({"t": time.time() - 10, "c": campaign.pk}, salt=TIMESTAMP_SALT),
        "homepage": "",
    }


def wait_for_fresh_rate_window(margin: float = 10.0) -> None:
    """The per-process fallback counts per calendar minute: start a flood well inside one,
    so it is not split over two windows."""
    left = 60 - time.time() % 60
    if left < margin:
        time.sleep(left + 0.2)


def test_redis_outage_pages_work_and_mail_and_notification_survive(
    redis_everywhere, redis_server, rep, teammate, rep_client, teammate_client, client
):
    app = redis_everywhere
    AssignmentRule.objects.update(active=False)  # web-form leads stay off the teammate's bell
    lead = lead_with_appointment(appointment_with=rep)
    campaign = CampaignFactory(slug="pv-check", web_form_enabled=True)
    template = MailTemplate.objects.get(
        purpose=TemplatePurpose.APPOINTMENT_CONFIRMATION, name="Meeting"
    )

    # --- 1. Redis up: the cache and the broker really are on it --------------------------
    refresh_summary()
    assert cache.get(cache_key()) is not None
    with app.producer_or_acquire() as producer:  # a warm broker connection in the pool
        producer.connection.ensure_connection(max_retries=1)

    redis_server.kill()
    assert not redis_server.answers()

    # --- 2. Redis down ------------------------------------------------------------------
    pages = {
        "home": reverse("home"),
        "lead list": reverse("leads:list"),
        "lead mask": reverse("leads:detail", args=[lead.pk]),
        "board": reverse("boards:lead_board"),
        "dashboard": reverse("boards:dashboard"),
        "bell": reverse("notifications:bell"),
    }
    for name, url in pages.items():
        response, seconds = timed(rep_client.get, url)
        assert response.status_code == 200, name
        assert seconds < SLOW_REQUEST, f"{name} took {seconds:.1f}s without Redis"

    form_url = reverse("capture:web_form", args=[campaign.slug])
    assert client.get(form_url).status_code == 200
    wait_for_fresh_rate_window()
    statuses = []
    for n in range(7):
        response, seconds = timed(
            client.post, form_url, web_form_payload(campaign, n), REMOTE_ADDR=VISITOR
        )
        statuses.append(response.status_code)
        assert seconds < SLOW_REQUEST
    # visitors still get through, a flood is still stopped (5 per minute and address)
    assert statuses == [302] * 5 + [429] * 2
    assert Lead.objects.filter(campaign=campaign).count() == 5

    # another visitor ticks the marketing consent: its DOI mail cannot be queued now
    response, seconds = timed(
        client.post,
        form_url,
        {**web_form_payload(campaign, 99), "marketing_consent": "on"},
        REMOTE_ADDR=DOI_VISITOR,
    )
    assert response.status_code == 302
    assert seconds < SLOW_REQUEST
    consent = ConsentRecord.objects.get(action=ConsentAction.REQUESTED)
    assert consent.lead.email == "julia.schneider99@sonnenhof-energie.de"
    assert consent.mail_sent_at is None  # due in the DOI outbox, not lost

    # the rep sends the appointment confirmation from the action box
    response = rep_client.post(
        reverse("processes:confirmation", args=[lead.pk]),
        {"template": template.pk},
    )
    assert response.status_code == 302
    activity = Activity.objects.get(kind=ActivityKind.EMAIL_OUT)
    response, seconds = timed(
        rep_client.post,
        response["Location"],
        {
            "mail_to": activity.mail_to,
            "mail_cc": activity.mail_cc,
            "subject": activity.subject,
            "body": activity.body,
            "version": activity.version,
        },
    )
    assert response.status_code == 302
    assert seconds < SLOW_REQUEST
    activity.refresh_from_db()
    assert activity.mail_state == MailState.QUEUED  # in the outbox, not lost
    assert mail.outbox == []

    # ... and adds a teammate to the appointment, who is notified
    response = rep_client.post(
        reverse("processes:employees", args=[lead.pk]), {"users": [teammate.pk]}
    )
    assert response.status_code == 302
    notification = Notification.objects.get(recipient=teammate)
    assert teammate_client.get(reverse("notifications:bell")).status_code == 200

    # --- 3. Redis back on the same port, the beat job's re-scan runs on a worker ---------
    redis_server.start()
    # the re-scan leaves mails younger than its grace period alone (their broker message
    # may still be on its way): let that time pass for this one
    Activity.objects.filter(pk=activity.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    ConsentRecord.objects.filter(pk=consent.pk).update(
        created_at=timezone.now() - timedelta(minutes=10)
    )
    finished = Finished()
    task_postrun.connect(finished, weak=False)
    try:
        with embedded_worker(app):
            app.send_task(RESCAN)
            app.send_task(DOI_RESCAN)
            wait_for(lambda: finished.of(SEND), 60, "the re-queued mail to be sent")
            wait_for(lambda: finished.of(DOI_SEND), 60, "the re-queued DOI mail to be sent")
            assert finished.of(RESCAN) == [("SUCCESS", 1)]
            assert finished.of(DOI_RESCAN) == [("SUCCESS", 1)]
            # a second scan finds nothing left to send; a second copy of the DOI task
            # (a redelivered message) sends nothing either
            app.send_task(RESCAN)
            app.send_task(DOI_RESCAN)
            app.send_task(DOI_SEND, args=[consent.pk])
            wait_for(lambda: len(finished.of(RESCAN)) == 2, 60, "the second re-scan")
            wait_for(lambda: len(finished.of(DOI_RESCAN)) == 2, 60, "the second DOI re-scan")
            wait_for(lambda: len(finished.of(DOI_SEND)) == 2, 60, "the second DOI task")
    finally:
        task_postrun.disconnect(finished)

    assert finished.of(RESCAN)[1] == ("SUCCESS", 0)
    assert [state for state, _ in finished.of(SEND)] == ["SUCCESS"]
    activity.refresh_from_db()
    assert activity.mail_state == MailState.SENT
    sent = [m for m in mail.outbox if m.to == [activity.mail_to]]
    assert len(sent) == 1  # exactly once
    assert sent[0].subject == activity.subject

    assert finished.of(DOI_RESCAN)[1] == ("SUCCESS", 0)
    assert finished.of(DOI_SEND) == [("SUCCESS", True), ("SUCCESS", False)]
    consent.refresh_from_db()
    assert consent.mail_sent_at is not None and consent.mail_attempts == 1
    doi_mails = [m for m in mail.outbox if m.to == ["julia.schneider99@sonnenhof-energie.de"]]
    assert len(doi_mails) == 1  # exactly once
    assert "/leads/einwilligung/bestaetigen/" in doi_mails[0].body
    assert len(mail.outbox) == 2

    bell = teammate_client.get(reverse("notifications:bell"))
    assert bell.status_code == 200
    assert escape(notification.display_title) in bell.content.decode()
    assert 'data-testid="bell-count">1<' in bell.content.decode()
