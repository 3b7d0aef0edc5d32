"""anymail's inbound webhooks with the providers' payload shapes (Postmark JSON, SendGrid
inbound parse with the raw "email" field, Mailgun "body-mime"), authenticated with the
webhook secret (basic auth) and, for Mailgun, the signature."""

import base64
import hashlib
import hmac
import json

import pytest

from activities.models import ActivityKind
from inbound.models import InboundMail, InboundState
from leads.models import Lead
from tests.factories import LeadFactory
from tests.inbound.mails import raw_mail

pytestmark = pytest.mark.django_db

BASE = "/eingang/webhooks/anymail/"
SECRET = "esp-hook:s3cret"
SIGNING_KEY = "mailgun-signing-key"
INQUIRY = "anfrage@leadcrm.example"


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.ANYMAIL = {
        **settings.ANYMAIL,
        "WEBHOOK_SECRET": SECRET,
        "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY,
    }
    settings.LEADCRM_INQUIRY_ADDRESSES = [INQUIRY]


def _auth(secret: str = SECRET) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(secret.encode()).decode()}


def _postmark_payload(**overrides) -> dict:
    """Postmark's inbound webhook JSON (documented sample, trimmed)."""
    payload = {
        "FromName": "Postmarkapp Support",
        "MessageStream": "inbound",
        "From": "support@postmarkapp.com",
        "FromFull": {"Email": "support@postmarkapp.com", "Name": "Postmarkapp Support"},
        "To": f'"Vertrieb" <{INQUIRY}>',
        "ToFull": [{"Email": INQUIRY, "Name": "Vertrieb", "MailboxHash": ""}],
        "Cc": "",
        "CcFull": [],
        "Bcc": "",
        "BccFull": [],
        "OriginalRecipient": INQUIRY,
        "Subject": "Anfrage Solarpark",
        "MessageID": "73e6d360-66eb-11e1-8e72-a8904824019b",
        "ReplyTo": "",
        "MailboxHash": "",
        "Date": "Fri, 1 Aug 2026 16:45:32 -04:00",
        "TextBody": "Bitte um Rückruf.",
        "HtmlBody": "<html><body><p>Bitte um Rückruf.</p></body></html>",
        "StrippedTextReply": "",
        "Tag": "",
        "Headers": [
            {"Name": "Return-Path", "Value": "<support@postmarkapp.com>"},
            {"Name": "X-Spam-Status", "Value": "No"},
            {
                "Name": "Message-ID",
                "Value": "<CAGXpo2WKfxHWZ5UFYCR3H_J9SNMG+5AXUovfEFL6DjWBJSyZaA@mail.gmail.com>",
            },
        ],
        "Attachments": [
            {
                "Name": "anfrage.txt",
                "Content": base64.b64encode(b"Flaeche 2 ha").decode(),
                "ContentType": "text/plain",
                "ContentLength": 12,
            }
        ],
    }
    payload.update(overrides)
    return payload


def test_postmark_inbound_creates_a_lead_from_an_inquiry(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            BASE + "postmark/inbound/",
            data=json.dumps(_postmark_payload()),
            content_type="application/json",
            **_auth(),
        )
    assert response.status_code == 200
    mail = InboundMail.objects.get()
    assert mail.esp == "postmark" and mail.state == InboundState.PROCESSED
    assert mail.message_id.startswith("cagxpo2wkfxhwz5ufycr3h")
    lead = Lead.objects.get(email="support@postmarkapp.com")
    activity = lead.activities.get()
    assert activity.kind == ActivityKind.EMAIL_IN and activity.body == "Bitte um Rückruf."
    assert [d.title for d in activity.documents.all()] == ["anfrage.txt"]


def test_postmark_bounce_with_empty_return_path_is_ignored(
    client, django_capture_on_commit_callbacks
):
    headers = [{"Name": "Return-Path", "Value": "<>"}]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            BASE + "postmark/inbound/",
            data=json.dumps(_postmark_payload(Headers=headers)),
            content_type="application/json",
            **_auth(),
        )
    assert response.status_code == 200
    assert InboundMail.objects.get().state == InboundState.IGNORED
    assert not Lead.objects.exists()


def test_wrong_secret_is_refused(client):
    response = client.post(
        BASE + "postmark/inbound/",
        data=json.dumps(_postmark_payload()),
        content_type="application/json",
        **_auth("esp-hook:falsch"),
    )
    assert response.status_code == 400
    assert not InboundMail.objects.exists()


def test_sendgrid_raw_email_from_known_lead(client, rep, django_capture_on_commit_callbacks):
    lead = LeadFactory(email="kunde@firma.de", follow_up_by=rep)
    raw = raw_mail(sender="Kunde <kunde@firma.de>", subject="Termin", to="rep@leadcrm.example")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            BASE + "sendgrid/inbound/",
            data={
                "email": raw.decode(),
                "to": "rep@leadcrm.example",
                "from": "Kunde <kunde@firma.de>",
                "subject": "Termin",
                "envelope": json.dumps({"to": ["rep@leadcrm.example"], "from": "kunde@firma.de"}),
                "charsets": json.dumps({"to": "UTF-8", "subject": "UTF-8", "from": "UTF-8"}),
                "spam_score": "0.0",
            },
            **_auth(),
        )
    assert response.status_code == 200
    assert lead.activities.get().subject == "Termin"


def _mailgun_signature() -> dict:
    timestamp, token = "1785000000", "a" * 50
    signature = hmac.new(SIGNING_KEY.encode(), f"{timestamp}{token}".encode(), hashlib.sha256)
    return {"timestamp": timestamp, "token": token, "signature": signature.hexdigest()}


def test_mailgun_body_mime(client, django_capture_on_commit_callbacks):
    raw = raw_mail(sender="Jan Neu <jan@neu-firma.de>", to=INQUIRY)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            BASE + "mailgun/inbound_mime/",
            data={
                "recipient": INQUIRY,
                "sender": "jan@neu-firma.de",
                "body-mime": raw.decode(),
                **_mailgun_signature(),
            },
            **_auth(),
        )
    assert response.status_code == 200
    assert Lead.objects.get().email == "jan@neu-firma.de"


def test_mailgun_forged_signature_is_refused(client):
    raw = raw_mail(sender="jan@neu-firma.de", to=INQUIRY)
    response = client.post(
        BASE + "mailgun/inbound_mime/",
        data={"body-mime": raw.decode(), **_mailgun_signature(), "signature": "0" * 64},
        **_auth(),
    )
    assert response.status_code == 400
    assert not InboundMail.objects.exists()


def test_same_webhook_delivered_twice_is_stored_once(client, django_capture_on_commit_callbacks):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                BASE + "postmark/inbound/",
                data=json.dumps(_postmark_payload()),
                content_type="application/json",
                **_auth(),
            )
    assert InboundMail.objects.count() == 1
    assert Lead.objects.count() == 1
