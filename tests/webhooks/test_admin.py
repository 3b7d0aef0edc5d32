"""The admin of webhooks and tokens: subscriptions with their events, the delivery log."""

import pytest
from django.urls import reverse

from tests.api.conftest import token_client
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription

pytestmark = pytest.mark.django_db


def test_subscription_created_in_the_admin_gets_a_secret(admin_client_staff):
    response = admin_client_staff.post(
        reverse("admin:webhooks_webhooksubscription_add"),
        {
            "name": "n8n",
            "url": "https://hooks.example.de/leadcrm",
            "events": ["lead.created", "lead.converted"],
            "secret": "whsec_" + "A" * 32,
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    subscription = WebhookSubscription.objects.get()
    assert subscription.events == ["lead.created", "lead.converted"]


def test_reactivating_resets_the_failure_run(admin_client_staff):
    subscription = WebhookSubscription.objects.create(
        name="n8n",
        url="https://h.example.de/",
        events=["lead.created"],
        active=False,
        failure_count=20,
    )
    admin_client_staff.post(
        reverse("admin:webhooks_webhooksubscription_change", args=[subscription.pk]),
        {
            "name": "n8n",
            "url": subscription.url,
            "events": ["lead.created"],
            "secret": subscription.secret,
            "active": "on",
        },
    )
    subscription.refresh_from_db()
    assert subscription.active and subscription.failure_count == 0


def test_delivery_log_and_retry_action(admin_client_staff):
    subscription = WebhookSubscription.objects.create(
        name="n8n", url="https://h.example.de/", events=["lead.created"]
    )
    failed = WebhookDelivery.objects.create(
        subscription=subscription,
        message_id="msg_f",
        event="lead.created",
        payload={},
        status=DeliveryStatus.FAILED,
        response_code=500,
    )
    url = reverse("admin:webhooks_webhookdelivery_changelist")
    page = admin_client_staff.get(url)
    assert page.status_code == 200 and "500" in page.content.decode()
    admin_client_staff.post(url, {"action": "retry_now", "_selected_action": [failed.pk]})
    failed.refresh_from_db()
    assert failed.status == DeliveryStatus.PENDING


def test_token_admin_lists_all_tokens(admin_client_staff, rep, teammate):
    token_client(rep, name="A")
    token_client(teammate, name="B")
    page = admin_client_staff.get(reverse("admin:accounts_apitoken_changelist"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "A (" in html and "B (" in html
    assert admin_client_staff.get(reverse("admin:accounts_apitoken_add")).status_code == 403


def test_admin_pages_are_staff_only(rep_client):
    assert (
        rep_client.get(reverse("admin:webhooks_webhooksubscription_changelist")).status_code == 302
    )
