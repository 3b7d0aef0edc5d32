"""Sending one outbox row: sign (Standard Webhooks), POST, log the answer, plan the retry.

A delivery is claimed with `SELECT … FOR UPDATE SKIP LOCKED` and stays locked while it is
sent (at most LEADCRM_WEBHOOK_TIMEOUT_SECONDS), so a second worker running the same task,
or the beat re-scan, skips it: nothing is sent twice. A 2xx answer is success; anything
else (also a redirect: the URL is what the admin configured) is a failure, retried with
exponential backoff (30 s, 1 min, 2 min, … at most 6 h apart) for 24 hours after the event.
After LEADCRM_WEBHOOK_MAX_FAILURES failed attempts in a row the subscription is switched
off and the admins are notified.
"""

from __future__ import annotations

import datetime as dt
import json
import time

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from standardwebhooks import Webhook

from accounts.models import User
from notifications.kinds import dedupe_key
from notifications.models import Kind
from notifications.services import notify
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription

RETRY_WINDOW = dt.timedelta(hours=24)
FIRST_RETRY = dt.timedelta(seconds=30)
MAX_RETRY_GAP = dt.timedelta(hours=6)
USER_AGENT = "LeadCRM-Webhooks/1"


def retry_delay(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failed attempt: 30 s doubling, at most 6 h."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), MAX_RETRY_GAP)


def body_of(delivery: WebhookDelivery) -> str:
    return json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False)


def signed_headers(delivery: WebhookDelivery, body: str, now: dt.datetime) -> dict[str, str]:
    signature = Webhook(delivery.subscription.secret).sign(delivery.message_id, now, body)
    return {
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
    }


def _post(delivery: WebhookDelivery) -> tuple[int | None, int, str]:
    """(response code or None, duration in ms, error text)."""
    body = body_of(delivery)
    headers = signed_headers(delivery, body, timezone.now())
    started = time.monotonic()
    try:
        response = requests.post(
            delivery.subscription.url,
            data=body.encode(),
            headers=headers,
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        return None, int((time.monotonic() - started) * 1000), f"{type(exc).__name__}: {exc}"[:2000]
    duration = int((time.monotonic() - started) * 1000)
    error = "" if 200 <= response.status_code < 300 else response.text[:500]
    return response.status_code, duration, error


def _claim(delivery_id: int, now: dt.datetime) -> WebhookDelivery | None:
    return (
        WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("subscription")
        .filter(pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .first()
    )


def webhook_deliver(*, delivery_id: int) -> str:
    """Send one due delivery; the outcome ("sent", "retry", "failed", "skipped", "inactive")."""
    now = timezone.now()
    with transaction.atomic():
        delivery = _claim(delivery_id, now)
        if delivery is None:
            return "skipped"  # already sent, not due, or claimed by another worker
        if not delivery.subscription.active:
            return "inactive"
        code, duration, error = _post(delivery)
        delivery.attempts += 1
        delivery.last_attempt_at = timezone.now()
        delivery.response_code = code
        delivery.duration_ms = duration
        delivery.error = error
        if code is not None and 200 <= code < 300:
            delivery.status = DeliveryStatus.SENT
            delivery.sent_at = delivery.last_attempt_at
            WebhookSubscription.objects.filter(pk=delivery.subscription_id).update(failure_count=0)
        else:
            next_at = delivery.last_attempt_at + retry_delay(delivery.attempts)
            if next_at > delivery.created_at + RETRY_WINDOW:
                delivery.status = DeliveryStatus.FAILED
            else:
                delivery.next_attempt_at = next_at
            _count_failure(delivery.subscription)
        delivery.save()
        return {
            DeliveryStatus.SENT: "sent",
            DeliveryStatus.FAILED: "failed",
        }.get(delivery.status, "retry")


def _count_failure(subscription: WebhookSubscription) -> None:
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        failure_count=F("failure_count") + 1
    )
    subscription.refresh_from_db(fields=["failure_count", "active"])
    if subscription.active and subscription.failure_count >= settings.WEBHOOK_MAX_FAILURES:
        subscription_disable(subscription=subscription)


def subscription_disable(*, subscription: WebhookSubscription) -> None:
    """Switch a failing subscription off and tell every admin (once per switch-off)."""
    now = timezone.now()
    WebhookSubscription.objects.filter(pk=subscription.pk).update(active=False, disabled_at=now)
    subscription.active, subscription.disabled_at = False, now
    params = {
        "name": subscription.name,
        "url": subscription.url,
        "count": subscription.failure_count,
    }
    for admin in User.objects.active().filter(is_staff=True):
        notify(
            recipient=admin,
            kind=Kind.WEBHOOK_DISABLED,
            params=params,
            url=f"/admin/webhooks/webhooksubscription/{subscription.pk}/change/",
            dedupe_key=dedupe_key(
                Kind.WEBHOOK_DISABLED, subscription=subscription.pk, at=int(now.timestamp())
            ),
        )


def due_delivery_ids(limit: int = 1000) -> list[int]:
    """Pending rows whose time has come (for active subscriptions), oldest first."""
    now = timezone.now()
    expired = WebhookDelivery.objects.filter(
        status=DeliveryStatus.PENDING, created_at__lt=now - RETRY_WINDOW
    )
    expired.update(status=DeliveryStatus.FAILED, error="Zeitfenster von 24 Stunden abgelaufen")
    return list(
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=now, subscription__active=True
        )
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
