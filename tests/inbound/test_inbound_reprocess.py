"""Admin action "Erneut verarbeiten": a failed or ignored inbound mail goes through the
processing service again (e.g. once its sender is a known lead, or after a fix); processed
mails and mails without their raw message are left alone with a notice."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from activities.models import ActivityKind
from inbound import services
from inbound.models import InboundMail, InboundState, MailSource
from inbound.services import inbound_process, inbound_reprocess, inbound_store
from tests.factories import LeadFactory
from tests.inbound.mails import raw_mail

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:inbound_inboundmail_changelist"


def _run(raw: bytes) -> InboundMail:
    mail = inbound_store(raw=raw, source=MailSource.WEBHOOK)
    return inbound_process(mail_id=mail.pk)


def _act(client, mails):
    return client.post(
        reverse(CHANGELIST),
        {"action": "reprocess", "_selected_action": [m.pk for m in mails]},
        follow=True,
    )


def test_ignored_mail_is_processed_again_once_the_sender_is_a_lead(admin_client_staff, rep):
    mail = _run(raw_mail(sender="Eva Neu <eva.neu@firma.de>", to="info@leadcrm.example"))
    assert mail.state == InboundState.IGNORED
    assert bytes(mail.raw)  # kept, so it can be processed again
    lead = LeadFactory(email="eva.neu@firma.de", follow_up_by=rep)

    response = _act(admin_client_staff, [mail])

    assert response.status_code == 200
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts == ["1 E-Mail erneut verarbeitet."]
    mail.refresh_from_db()
    assert mail.state == InboundState.PROCESSED and mail.reason == ""
    assert mail.lead == lead and mail.activity.kind == ActivityKind.EMAIL_IN
    assert bytes(mail.raw) == b""  # processed: the content lives on in the activity
    assert lead.activities.filter(kind=ActivityKind.EMAIL_IN).count() == 1


def test_failed_mail_is_processed_again_after_the_fault_is_gone(monkeypatch, rep):
    lead = LeadFactory(email="kunde@firma.de", follow_up_by=rep)
    real = services._record_activity

    def broken(*args, **kwargs):
        raise RuntimeError("Dokumentablage nicht erreichbar")

    monkeypatch.setattr(services, "_record_activity", broken)
    mail = _run(raw_mail(sender="kunde@firma.de", subject="Angebot"))
    assert mail.state == InboundState.FAILED and "Dokumentablage" in mail.reason
    assert not lead.activities.exists()  # the failed attempt left nothing behind

    monkeypatch.setattr(services, "_record_activity", real)
    again = inbound_reprocess(mail_id=mail.pk)

    assert again.state == InboundState.PROCESSED and again.lead == lead
    assert lead.activities.filter(kind=ActivityKind.EMAIL_IN).count() == 1
    # a processed mail is not taken again: no second activity
    assert inbound_reprocess(mail_id=mail.pk) is None
    assert lead.activities.filter(kind=ActivityKind.EMAIL_IN).count() == 1


def test_processed_and_rawless_mails_are_skipped_with_a_notice(admin_client_staff, rep):
    LeadFactory(email="kunde@firma.de", follow_up_by=rep)
    processed = _run(raw_mail(sender="kunde@firma.de"))
    assert processed.state == InboundState.PROCESSED
    rawless = _run(raw_mail(sender="x@y.de", to="info@leadcrm.example"))
    InboundMail.objects.filter(pk=rawless.pk).update(raw=b"")  # ignored before raw was kept

    response = _act(admin_client_staff, [processed, rawless])

    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(texts) == 1 and texts[0].startswith("2 E-Mails übersprungen")
    rawless.refresh_from_db()
    assert rawless.state == InboundState.IGNORED
    assert processed.lead.activities.count() == 1  # no second activity


def test_the_action_needs_the_admin(rep_client):
    response = rep_client.post(reverse(CHANGELIST), {"action": "reprocess"})
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_retention_drops_the_raw_message_of_old_ignored_mails(settings):
    import datetime as dt

    from django.utils import timezone

    from privacy.retention import retention_apply

    settings.LEADCRM = {**settings.LEADCRM, "INBOUND_RAW_RETENTION_DAYS": 30}
    old = _run(raw_mail(sender="fremd@example.org", subject="Alt"))
    recent = _run(raw_mail(sender="fremd2@example.org", subject="Neu"))
    assert old.state == recent.state == InboundState.IGNORED and bytes(old.raw)
    InboundMail.objects.filter(pk=old.pk).update(received_at=timezone.now() - dt.timedelta(days=31))
    result = retention_apply()
    assert result.inbound_raw == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert bytes(old.raw) == b"" and bytes(recent.raw)  # the recent one can still be re-run
