"""The IMAP poll against a real IMAP server (dovecot, started by scripts/test on loopback:
IMAP_TEST_HOST/PORT/USER/PASSWORD). Every test uses its own folder."""

import os
import threading
import uuid

import pytest
from django.db import connection, transaction
from imapclient import IMAPClient

from activities.models import ActivityKind
from inbound.imap import ImapConfig, poll_mailbox
from inbound.models import InboundMail, InboundState, Mailbox
from inbound.tasks import poll_inbound_mail
from leads.models import Lead
from tests.factories import LeadFactory
from tests.inbound.mails import raw_mail

ENV = ("IMAP_TEST_HOST", "IMAP_TEST_PORT", "IMAP_TEST_USER", "IMAP_TEST_PASSWORD")
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.imap,
    pytest.mark.skipif(
        not all(os.environ.get(name) for name in ENV),
        reason="no IMAP test server: set IMAP_TEST_HOST/PORT/USER/PASSWORD "
        "(scripts/test starts dovecot when dovecot-imapd is installed)",
    ),
]
INQUIRY = "anfrage@leadcrm.example"


@pytest.fixture
def folder():
    name = f"test-{uuid.uuid4().hex[:10]}"
    client = IMAPClient(
        os.environ["IMAP_TEST_HOST"], port=int(os.environ["IMAP_TEST_PORT"]), ssl=False
    )
    client.login(os.environ["IMAP_TEST_USER"], os.environ["IMAP_TEST_PASSWORD"])
    client.create_folder(name)
    yield client, name
    client.delete_folder(name)
    client.logout()


@pytest.fixture
def imap_settings(settings, folder):
    settings.IMAP_HOST = os.environ["IMAP_TEST_HOST"]
    settings.IMAP_PORT = int(os.environ["IMAP_TEST_PORT"])
    settings.IMAP_USER = os.environ["IMAP_TEST_USER"]
    settings.IMAP_PASSWORD = os.environ["IMAP_TEST_PASSWORD"]
    settings.IMAP_FOLDER = folder[1]
    settings.IMAP_SSL = False
    settings.LEADCRM_INQUIRY_ADDRESSES = [INQUIRY]
    return settings


def test_poll_reads_each_message_once_and_keeps_the_position(imap_settings, folder, rep):
    client, name = folder
    lead = LeadFactory(email="kunde@firma.de", follow_up_by=rep)
    client.append(name, raw_mail(sender="Kunde <kunde@firma.de>", subject="Rückfrage"))
    client.append(name, raw_mail(sender="Neu Kunde <neu@anders.de>", to=INQUIRY))
    client.append(
        name, raw_mail(sender="bot@x.de", to=INQUIRY, headers={"Auto-Submitted": "auto-replied"})
    )

    assert poll_inbound_mail() == 3
    mails = {m.from_address: m for m in InboundMail.objects.all()}
    assert mails["kunde@firma.de"].state == InboundState.PROCESSED
    assert mails["kunde@firma.de"].lead == lead
    assert lead.activities.get().kind == ActivityKind.EMAIL_IN
    assert mails["neu@anders.de"].lead_created
    assert mails["bot@x.de"].state == InboundState.IGNORED
    box = Mailbox.objects.get()
    assert box.last_uid == 3 and box.uidvalidity

    # nothing new: nothing read again
    assert poll_inbound_mail() == 0
    assert InboundMail.objects.count() == 3

    client.append(name, raw_mail(sender="kunde@firma.de", subject="Noch was"))
    assert poll_inbound_mail() == 1
    assert lead.activities.count() == 2
    assert Lead.objects.count() == 2
    box.refresh_from_db()
    assert box.last_uid == 4


def test_uidvalidity_change_rereads_without_duplicates(imap_settings, folder):
    client, name = folder
    client.append(name, raw_mail(sender="a@firma.de", to=INQUIRY, message_id="<eins@firma.de>"))
    config = ImapConfig.from_settings()
    assert len(poll_mailbox(config).stored) == 1
    Mailbox.objects.update(uidvalidity=1, last_uid=99)  # as if the folder was rebuilt
    client.append(name, raw_mail(sender="b@firma.de", to=INQUIRY, message_id="<zwei@firma.de>"))
    result = poll_mailbox(config)
    assert len(result.stored) == 1  # the old message is known by its Message-ID
    assert InboundMail.objects.count() == 2
    assert Mailbox.objects.get().last_uid == 2


def test_without_settings_the_poll_does_nothing(settings):
    settings.IMAP_HOST = ""
    assert ImapConfig.from_settings() is None
    assert poll_inbound_mail() == 0


@pytest.mark.django_db(transaction=True)
def test_a_second_poll_while_one_runs_reads_nothing(imap_settings, folder):
    """The mailbox row is locked for the whole poll: a poll started meanwhile (another beat
    tick, a second worker) finds it locked and returns without reading."""
    client, name = folder
    client.append(name, raw_mail(sender="a@firma.de", to=INQUIRY))
    config = ImapConfig.from_settings()
    Mailbox.objects.create(key=config.key)
    locked, release, results = threading.Event(), threading.Event(), []

    def hold_lock():
        try:
            with transaction.atomic():
                Mailbox.objects.select_for_update().get(key=config.key)
                locked.set()
                release.wait(20)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    try:
        assert locked.wait(20)
        results.append(poll_mailbox(config))
    finally:
        release.set()
        holder.join()
    assert results[0].busy and results[0].stored == []
    assert not InboundMail.objects.exists()
    assert len(poll_mailbox(config).stored) == 1  # free again: read once
