"""Double opt-in token: valid, expired, forged, reused; withdrawal; consent log partial."""

import pytest
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse

from leads import doi
from leads.models import ConsentAction, ConsentRecord
from tests.factories import LeadFactory

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
    return reverse("leads:doi_confirm", args=[doi.confirm_token(record)])


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
    response = client.post(reverse("leads:doi_confirm", args=[token]))
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
    response = client.post(reverse("leads:doi_confirm", args=[token]))
    assert response.status_code == 400
    assert not ConsentRecord.objects.filter(action=ConsentAction.CONFIRMED).exists()


def test_token_of_another_record_type_is_refused(client, requested):
    withdrawn = ConsentRecord.objects.create(lead=requested.lead, action=ConsentAction.WITHDRAWN)
    response = client.post(confirm_url(withdrawn))
    assert response.status_code == 400


def test_withdrawal_link(client, requested):
    url = reverse("leads:consent_withdraw", args=[doi.withdraw_token(requested)])
    assert client.get(url).status_code == 200
    response = client.post(url, REMOTE_ADDR="203.0.113.30")
    assert response.status_code == 200
    record = ConsentRecord.objects.get(action=ConsentAction.WITHDRAWN)
    assert record.lead == requested.lead
    assert record.ip_address == "203.0.113.30"


def test_forged_withdrawal_link(client, requested):
    response = client.post(reverse("leads:consent_withdraw", args=["5:gefaelscht"]))
    assert response.status_code == 400
    assert not ConsentRecord.objects.filter(action=ConsentAction.WITHDRAWN).exists()


def test_consent_log_partial_lists_actions(requested):
    doi.doi_confirm(token=doi.confirm_token(requested), ip_address="203.0.113.1", user_agent="UA")
    html = render_to_string(
        "leads/gdpr/_consent_log.html",
        {"consents": ConsentRecord.objects.filter(lead=requested.lead)},
    )
    assert "Bestätigt" in html and "Angefragt" in html and "203.0.113.1" in html
