"""Double opt-in token: valid, expired, forged, reused; withdrawal; consent log partial;
the confirmation mail as an outbox entry (broker down, re-scan, sent exactly once)."""

import threading
import time
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.db import connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from capture import doi
from capture.tasks import requeue_pending_doi_mails
from capture.tasks import send_doi_mail as send_doi_mail_task
from leads.models import ConsentAction, ConsentRecord
from tests.celery_support import current_app, free_port, make_app
from tests.factories import CampaignFactory, LeadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def requested():
    lead = LeadFactory(email="kunde@beispiel-gmbh.de")
    return ConsentRecord.objects.create(
        lead=lead,
        action=ConsentAction.REQUESTED,
        email=lead.email,
        text_version="2026-1",
        text="Ich möchte Informationen per E-Mail erhalten.",
    )


def confirm_url(record):
    return reverse("capture:doi_confirm", args=[doi.confirm_token(record)])


@pytest.mark.smoke
def test_valid_token_records_proof(client, requested):
    url = confirm_url(requested)
    assert client.get(url).status_code == 200  # a page with a button, nothing recorded yet
    assert ConsentRecord.objects.filter(action=ConsentAction.CONFIRMED).count() == 0
    response = client.post(url, REMOTE_ADDR="203.0.113.20", HTTP_USER_AGENT="Firefox/140")
    assert response.status_code == 200
    confirmed = ConsentRecord.objects.get(action=ConsentAction.CONFIRMED)
    assert confirmed.confirms == requested
    assert confirmed.lead == requested.lead
    assert confirmed.ip_address == "203.0.113.20"
    assert confirmed.user_agent == "Firefox/140"
    assert confirmed.text_version == "2026-1"
    assert confirmed.created_at is not None


def test_reused_token_is_refused(client, requested):
    url = confirm_url(requested)
    client.post(url)
    response = client.post(url)
    assert response.status_code == 400
    assert "bereits bestätigt" in response.content.decode()
    assert ConsentRecord.objects.filter(action=ConsentAction.CONFIRMED).count() == 1


def test_expired_token_is_refused(client, requested, settings):
    token = doi.confirm_token(requested)
    settings.LEADCRM_DOI_MAX_AGE_DAYS = 0
    response = client.post(reverse("capture:doi_confirm", args=[token]))
    assert response.status_code == 400
    assert "abgelaufen" in response.content.decode()
    assert not ConsentRecord.objects.filter(action=ConsentAction.CONFIRMED).exists()


def test_expiry_is_seven_days_by_default(requested, monkeypatch):
    import time

    token = doi.confirm_token(requested)
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 6 * 86400)
    doi._load(token, salt=doi.DOI_SALT, max_age=doi.doi_max_age_seconds())
    monkeypatch.setattr(time, "time", lambda: now + 8 * 86400)
    with pytest.raises(doi.DoiError) as info:
        doi._load(token, salt=doi.DOI_SALT, max_age=doi.doi_max_age_seconds())
    assert info.value.reason == "expired"


@pytest.mark.parametrize(
    "token",
    [
        "1:abc:def",
        "kaputt",
        signing.TimestampSigner(salt="falsches-salz").sign("1"),
    ],
    ids=["bad-signature", "garbage", "wrong-salt"],
)
def test_forged_token_is_refused(client, requested, token):
    response = client.post(reverse("capture:doi_confirm", args=[token]))
    assert response.status_code == 400
    assert not ConsentRecord.objects.filter(action=ConsentAction.CONFIRMED).exists()


def test_token_of_another_record_type_is_refused(client, requested):
    withdrawn = ConsentRecord.objects.create(lead=requested.lead, action=ConsentAction.WITHDRAWN)
    response = client.post(confirm_url(withdrawn))
    assert response.status_code == 400


def test_withdrawal_link(client, requested):
    url = reverse("capture:consent_withdraw", args=[doi.withdraw_token(requested)])
    assert client.get(url).status_code == 200
    response = client.post(url, REMOTE_ADDR="203.0.113.30")
    assert response.status_code == 200
    record = ConsentRecord.objects.get(action=ConsentAction.WITHDRAWN)
    assert record.lead == requested.lead
    assert record.ip_address == "203.0.113.30"


def test_forged_withdrawal_link(client, requested):
    response = client.post(reverse("capture:consent_withdraw", args=["5:gefaelscht"]))
    assert response.status_code == 400
    assert not ConsentRecord.objects.filter(action=ConsentAction.WITHDRAWN).exists()


def test_consent_log_partial_lists_actions(requested):
    doi.doi_confirm(token=doi.confirm_token(requested), ip_address="203.0.113.1", user_agent="UA")
    html = render_to_string(
        "privacy/_consent_log.html",
        {"consents": ConsentRecord.objects.filter(lead=requested.lead)},
    )
    assert "Bestätigt" in html and "Angefragt" in html and "203.0.113.1" in html


# --- the confirmation mail is an outbox entry (issue #10) --------------------------------


def _web_form_post(client, campaign, email="julia.schneider@sonnenhof-energie.de"):
    from capture.views.webform import TIMESTAMP_SALT

    return client.post(
        reverse("capture:web_form", args=[campaign.slug]),
        {
            "salutation": "Frau",
            "last_name": "Schneider",
            "email": email,
            "marketing_consent": "on",
            "ts": signing.dumps({"t": time.time() - 10, "c": campaign.pk}, salt=TIMESTAMP_SALT),
        },
    )


def _age(record, **delta):
    ConsentRecord.objects.filter(pk=record.pk).update(
        created_at=timezone.now() - timedelta(**delta)
    )


@pytest.mark.django_db(transaction=True)
def test_broker_down_keeps_the_request_and_the_rescan_sends_it_once(client):
    """A real publish to a broker nobody listens on (not an eager app), from the request's
    on-commit as in production: the visitor is thanked (no 500), the request waits in the
    database, the beat job's re-scan sends one mail."""
    campaign = CampaignFactory(slug="pv-check", web_form_enabled=True)
    dead_broker = make_app(f"redis://127.0.0.1:{free_port()}/0")
    with current_app(dead_broker):
        response = _web_form_post(client, campaign)
    assert response.status_code == 302
    record = ConsentRecord.objects.get(action=ConsentAction.REQUESTED)
    assert record.lead.campaign == campaign
    assert record.mail_sent_at is None and record.mail_attempts == 0
    assert mail.outbox == []
    assert doi.doi_mails_due() == []  # within the grace period the queued task has priority

    _age(record, minutes=6)
    assert requeue_pending_doi_mails() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["julia.schneider@sonnenhof-energie.de"]
    assert "/leads/einwilligung/bestaetigen/" in mail.outbox[0].body
    record.refresh_from_db()
    assert record.mail_sent_at is not None and record.mail_attempts == 1
    # a second scan, and a redelivered task, send nothing more
    assert requeue_pending_doi_mails() == 0
    assert send_doi_mail_task(record.pk) is False
    assert len(mail.outbox) == 1


def test_confirm_link_of_a_late_mail_uses_base_url(requested, settings):
    settings.BASE_URL = "https://crm.beispiel.de"
    assert doi.send_doi_mail(record_id=requested.pk) is True
    assert "https://crm.beispiel.de/leads/einwilligung/bestaetigen/" in mail.outbox[0].body


def test_sending_twice_sends_one_mail(requested):
    assert doi.send_doi_mail(record_id=requested.pk, base_url="http://testserver/") is True
    assert doi.send_doi_mail(record_id=requested.pk, base_url="http://testserver/") is False
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("change", "due"),
    [
        ({}, True),
        ({"created_at": {"minutes": 2}}, False),  # its task may still be on the way
        ({"created_at": {"days": 8}}, False),  # expired: the link would be stale
        ({"email": ""}, False),  # erased (GDPR) meanwhile
        ({"mail_sent_at": True}, False),
        ({"mail_attempts": doi.MAX_DOI_MAIL_ATTEMPTS}, False),  # given up
        ({"action": ConsentAction.WITHDRAWN}, False),
    ],
    ids=["due", "fresh", "expired", "erased", "sent", "given-up", "not-a-request"],
)
def test_what_the_rescan_picks_up(requested, change, due):
    _age(requested, minutes=10)
    updates = {k: v for k, v in change.items() if k not in ("created_at", "mail_sent_at")}
    if "created_at" in change:
        updates["created_at"] = timezone.now() - timedelta(**change["created_at"])
    if "mail_sent_at" in change:
        updates["mail_sent_at"] = timezone.now()
    ConsentRecord.objects.filter(pk=requested.pk).update(**updates)
    assert (doi.doi_mails_due() == [requested.pk]) is due


def test_failed_send_is_counted_retried_and_finally_given_up(requested, settings):
    settings.EMAIL_BACKEND = "tests.capture.test_capture_doi.FailingBackend"
    _age(requested, minutes=10)
    with pytest.raises(doi.DoiMailError):
        doi.send_doi_mail(record_id=requested.pk)
    requested.refresh_from_db()
    assert requested.mail_attempts == 1 and requested.mail_sent_at is None
    assert doi.doi_mails_due() == [requested.pk]  # still due: the re-scan tries again
    for _attempt in range(doi.MAX_DOI_MAIL_ATTEMPTS - 2):
        with pytest.raises(doi.DoiMailError):
            doi.send_doi_mail(record_id=requested.pk)
    assert doi.send_doi_mail(record_id=requested.pk) is False  # the last attempt gives up
    requested.refresh_from_db()
    assert requested.mail_attempts == doi.MAX_DOI_MAIL_ATTEMPTS
    assert doi.doi_mails_due() == []
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    assert doi.send_doi_mail(record_id=requested.pk) is False
    assert mail.outbox == []


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionError("SMTP down")


class SlowBackend(FailingBackend):
    """Delivers (to mail.outbox) only after `release` is set, to hold a send in flight."""

    started = threading.Event()
    release = threading.Event()

    def send_messages(self, messages):
        type(self).started.set()
        assert type(self).release.wait(30)
        mail.outbox.extend(messages)
        return len(messages)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_rescan_racing_the_first_send_sends_one_mail(settings):
    """While the first send is in flight (row locked), a second copy waits for it and then
    finds the mail sent; on PostgreSQL, as in production."""
    lead = LeadFactory(email="kunde@beispiel-gmbh.de")
    record = ConsentRecord.objects.create(
        lead=lead, action=ConsentAction.REQUESTED, email=lead.email
    )
    settings.EMAIL_BACKEND = "tests.capture.test_capture_doi.SlowBackend"
    SlowBackend.started.clear()
    SlowBackend.release.clear()
    results = {}

    def send(name):
        try:
            results[name] = doi.send_doi_mail(record_id=record.pk)
        finally:
            connection.close()

    first = threading.Thread(target=send, args=("first",))
    first.start()
    assert SlowBackend.started.wait(30)
    second = threading.Thread(target=send, args=("second",))
    second.start()
    second.join(1.0)
    assert second.is_alive()  # blocked on the row lock, not sending a second mail
    SlowBackend.release.set()
    first.join(30)
    second.join(30)
    assert results == {"first": True, "second": False}
    assert len(mail.outbox) == 1
    record.refresh_from_db()
    assert record.mail_sent_at is not None and record.mail_attempts == 1
