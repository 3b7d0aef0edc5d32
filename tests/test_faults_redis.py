"""Redis down: pages keep working, the public form's rate limit degrades safely, and mails
queued while the broker is unreachable are delivered once it is back (outbox re-scan).

No Redis server is needed: the cache points at a port where nothing listens, and the broker
outage is simulated by a `delay()` that raises kombu's OperationalError, as it does when
Redis is gone.
"""

import socket
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from activities import tasks as activity_tasks
from activities.mail import activity_queue_mail
from activities.models import Activity, MailState
from leads.models import Lead
from notifications.models import Notification
from notifications.services import notify
from tests.factories import ActivityFactory, CampaignFactory, LeadFactory


def _dead_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_down(settings):
    saved = settings.CACHES
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_dead_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    yield
    settings.CACHES = saved  # conftest clears the cache after the test


def _web_form_payload(campaign):
    from leads.views.capture import TIMESTAMP_SALT

    return {
        "salutation": "Frau",
        "first_name": "Julia",
        "last_name": "Schneider",
        "company_name": "Sonnenhof Energie GmbH",
        "email": "julia.schneider@sonnenhof-energie.de",
        "postal_code": "80331",
        "city": "München",
        "message": "Bitte um Rückruf.",
        "ts": signing.dumps({"t": time.time() - 10, "c": campaign.pk}, salt=TIMESTAMP_SALT),
        "homepage": "",
    }


def test_pages_work_without_redis(redis_down, rep_client):
    LeadFactory(follow_up_by=None)
    for name in ("home", "leads:list", "boards:lead_board", "notifications:bell"):
        response = rep_client.get(reverse(name))
        assert response.status_code == 200, name


def test_rate_limited_web_form_without_redis_does_not_500(db, redis_down, client):
    campaign = CampaignFactory(slug="pv-check", web_form_enabled=True)
    url = reverse("leads:web_form", args=[campaign.slug])
    assert client.get(url).status_code == 200
    from leads.views.capture import _FALLBACK_COUNTER

    _FALLBACK_COUNTER.clear()
    # the rate limit falls back to a per-process counter: visitors still get through ...
    response = client.post(url, _web_form_payload(campaign))
    assert response.status_code == 302
    assert Lead.objects.count() == 1
    # ... and a flood is still stopped (5 per minute and IP)
    statuses = [client.post(url, _web_form_payload(campaign)).status_code for _ in range(6)]
    assert statuses.count(429) >= 1
    assert 500 not in statuses
    assert Lead.objects.count() <= 5


def test_mail_queued_while_broker_down_is_sent_after_rescan(rep):
    activity = ActivityFactory(email_out=True, created_by=rep, delegated_by=rep)
    broken = mock.patch.object(
        activity_tasks.send_activity_mail, "delay", side_effect=OperationalError("redis gone")
    )
    with broken:
        with mock.patch("django.db.transaction.on_commit", lambda fn, *a, **k: fn()):
            activity_queue_mail(
                activity=activity,
                subject="Ihre Unterlagen",
                body="Guten Tag,\nanbei die Unterlagen.",
                mail_to="kunde@example.de",
                mail_cc="",
                user=rep,
            )
    activity.refresh_from_db()
    assert activity.mail_state == MailState.QUEUED
    assert mail.outbox == []
    # the beat job re-scans rows that stayed queued (older than its grace period)
    Activity.objects.filter(pk=activity.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    assert activity_tasks.requeue_pending_mails() == 1
    activity.refresh_from_db()
    assert activity.mail_state == MailState.SENT
    assert len(mail.outbox) == 1
    # a second scan sends nothing twice
    assert activity_tasks.requeue_pending_mails() == 0
    assert len(mail.outbox) == 1


def test_notification_while_broker_down_is_stored(rep, redis_down):
    """Notifications live in the database; the bell reads them from there."""
    notification = notify(recipient=rep, title="Neuer Lead zugewiesen")
    assert notification is not None
    assert Notification.objects.filter(recipient=rep).count() == 1
