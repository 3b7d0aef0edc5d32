"""Anymail tracking webhook (Postmark payload shapes) and appointment reminders."""

import base64
import datetime as dt
import json

import pytest
from django.utils import timezone

from activities.models import Activity, ActivityKind, ActivityStatus, DeliveryStatus, MailState
from activities.reminders import appointment_reminders_send
from activities.tasks import send_appointment_reminders
from notifications.models import Kind, Notification
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db

URL = "/aktivitaeten/webhooks/anymail/postmark/tracking/"
MESSAGE_ID = "883953f4-6105-42a2-a16a-77a8eac79483"


@pytest.fixture
def webhook_secret(settings):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": "esp-hook:s3cret"}
    return "esp-hook:s3cret"


def _auth(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(secret.encode()).decode()}


@pytest.fixture
def sent_mail(rep):
    return Activity.objects.create(
        kind=ActivityKind.EMAIL_OUT,
        subject="Terminbestätigung",
        mail_to="maria.schulz@kunde.de",
        mail_state=MailState.SENT,
        status=ActivityStatus.DONE,
        esp_message_id=MESSAGE_ID,
        delegated_by=rep,
    )


DELIVERY = {
    "RecordType": "Delivery",
    "ServerID": 23,
    "MessageStream": "outbound",
    "MessageID": MESSAGE_ID,
    "Recipient": "maria.schulz@kunde.de",
    "Tag": "leadcrm",
    "DeliveredAt": "2026-11-05T16:33:54.9070259Z",
    "Details": "Test delivery webhook details",
    "Metadata": {"activity_id": "1"},
}
OPEN = {
    "RecordType": "Open",
    "MessageStream": "outbound",
    "FirstOpen": True,
    "Client": {"Name": "Chrome 35.0.1916.153", "Company": "Google", "Family": "Chrome"},
    "OS": {"Name": "OS X 10.7 Lion", "Company": "Apple Computer, Inc.", "Family": "OS X 10"},
    "Platform": "WebMail",
    "UserAgent": "Mozilla/5.0",
    "ReadSeconds": 5,
    "Geo": {"CountryISOCode": "DE", "Country": "Germany", "City": "Berlin"},
    "MessageID": MESSAGE_ID,
    "Metadata": {"activity_id": "1"},
    "ReceivedAt": "2026-11-05T16:40:54.9070259Z",
    "Tag": "leadcrm",
    "Recipient": "maria.schulz@kunde.de",
}
BOUNCE = {
    "RecordType": "Bounce",
    "MessageStream": "outbound",
    "ID": 4323372036854775807,
    "Type": "HardBounce",
    "TypeCode": 1,
    "Name": "Hard bounce",
    "Tag": "leadcrm",
    "MessageID": MESSAGE_ID,
    "Metadata": {"activity_id": "1"},
    "ServerID": 23,
    "Description": "The server was unable to deliver your message (ex: unknown user).",
    "Details": "Test bounce details",
    "Email": "maria.schulz@kunde.de",
    "From": "crm@leadcrm.example",
    "BouncedAt": "2026-11-05T16:33:54.9070259Z",
    "DumpAvailable": True,
    "Inactive": True,
    "CanActivate": True,
    "Subject": "Terminbestätigung",
}


def _post(client, payload, secret):
    return client.post(URL, json.dumps(payload), content_type="application/json", **_auth(secret))


def test_delivered_then_opened_updates_activity(client, sent_mail, webhook_secret):
    assert _post(client, DELIVERY, webhook_secret).status_code == 200
    sent_mail.refresh_from_db()
    assert sent_mail.delivery_status == DeliveryStatus.DELIVERED
    assert sent_mail.delivery_updated_at is not None
    assert _post(client, OPEN, webhook_secret).status_code == 200
    sent_mail.refresh_from_db()
    assert sent_mail.delivery_status == DeliveryStatus.OPENED


def test_webhook_needs_no_csrf_token_and_no_login(sent_mail, webhook_secret):
    from django.test import Client

    esp = Client(enforce_csrf_checks=True)
    assert _post(esp, DELIVERY, webhook_secret).status_code == 200
    sent_mail.refresh_from_db()
    assert sent_mail.delivery_status == DeliveryStatus.DELIVERED


def test_late_delivery_event_does_not_hide_open(client, sent_mail, webhook_secret):
    _post(client, OPEN, webhook_secret)
    _post(client, DELIVERY, webhook_secret)
    sent_mail.refresh_from_db()
    assert sent_mail.delivery_status == DeliveryStatus.OPENED


def test_bounce_records_error(client, sent_mail, webhook_secret):
    assert _post(client, BOUNCE, webhook_secret).status_code == 200
    sent_mail.refresh_from_db()
    assert sent_mail.delivery_status == DeliveryStatus.BOUNCED
    assert "unable to deliver" in sent_mail.mail_error


def test_unknown_message_id_is_ignored(client, sent_mail, webhook_secret):
    payload = {**DELIVERY, "MessageID": "00000000-0000-0000-0000-000000000000"}
    assert _post(client, payload, webhook_secret).status_code == 200
    sent_mail.refresh_from_db()
    assert sent_mail.delivery_status == ""


@pytest.mark.parametrize("secret", ["esp-hook:wrong", "attacker:s3cret"])
def test_forged_credentials_refused(client, sent_mail, webhook_secret, secret):
    response = _post(client, DELIVERY, secret)
    assert response.status_code in (400, 403)
    sent_mail.refresh_from_db()
    assert sent_mail.delivery_status == ""


def test_missing_credentials_refused(client, sent_mail, webhook_secret):
    response = client.post(URL, json.dumps(DELIVERY), content_type="application/json")
    assert response.status_code in (400, 403)
    sent_mail.refresh_from_db()
    assert sent_mail.delivery_status == ""


# --- reminders ---------------------------------------------------------------------------


def _appointment(user, minutes, **kwargs):
    start = timezone.now() + dt.timedelta(minutes=minutes)
    return ActivityFactory(
        appointment=True,
        start=start,
        end=start + dt.timedelta(hours=1),
        delegated_to=user,
        **kwargs,
    )


def test_reminder_once_per_appointment_and_start(rep, teammate, settings):
    settings.LEADCRM = {**settings.LEADCRM, "APPOINTMENT_REMINDER_MINUTES": 30}
    soon = _appointment(rep, 10)
    _appointment(teammate, 90)  # too far ahead
    _appointment(teammate, 5, status=ActivityStatus.DONE)  # done: no reminder
    _appointment(teammate, -5)  # already started

    send_appointment_reminders()
    send_appointment_reminders()

    notes = Notification.objects.filter(kind=Kind.APPOINTMENT_REMINDER)
    assert [n.recipient for n in notes] == [rep]
    assert notes.get().entity == soon

    # moving the appointment re-arms the reminder
    Activity.objects.filter(pk=soon.pk).update(start=soon.start + dt.timedelta(minutes=5))
    appointment_reminders_send()
    assert Notification.objects.filter(kind=Kind.APPOINTMENT_REMINDER).count() == 2


def test_reminders_query_count_constant(rep, django_assert_max_num_queries):
    for _ in range(3):
        _appointment(rep, 10)
    with django_assert_max_num_queries(4):
        appointment_reminders_send()
    for _ in range(20):
        _appointment(rep, 12)
    with django_assert_max_num_queries(4):
        appointment_reminders_send()
