"""Inbound mail: parsing, matching (reply, known sender, inquiry address), ignoring
automated mail, attachments as documents, the owner's notification."""

import pytest

from activities.mail import build_message
from activities.models import Activity, ActivityKind, MailState
from inbound.models import InboundMail, InboundState, MailSource
from inbound.parsing import html_to_text, parse_mail
from inbound.services import inbound_process, inbound_store
from leads.models import Lead
from leads.models.lead import CaptureChannel
from notifications.models import Kind, Notification
from tests.factories import LeadFactory, PersonFactory
from tests.factories.leads import make_rule
from tests.inbound.mails import raw_mail

pytestmark = pytest.mark.django_db

INQUIRY = "anfrage@leadcrm.example"


@pytest.fixture(autouse=True)
def _inquiry(settings):
    settings.LEADCRM_INQUIRY_ADDRESSES = [INQUIRY]


def _run(raw: bytes) -> InboundMail:
    mail = inbound_store(raw=raw, source=MailSource.WEBHOOK)
    assert mail is not None
    return inbound_process(mail_id=mail.pk)


def test_html_only_mail_becomes_plain_text():
    raw = raw_mail(
        text=None,
        html="<html><head><style>p{}</style><script>alert(1)</script></head>"
        "<body><p>Hallo&nbsp;Team,</p><p>bitte <b>Rückruf</b>.</p></body></html>",
    )
    parsed = parse_mail(raw)
    assert parsed.text == "Hallo Team,\n\nbitte Rückruf."
    assert "<" not in parsed.text and "alert" not in parsed.text
    assert html_to_text("<div>a</div><div>b</div>") == "a\n\nb"


def test_reply_to_our_mail_lands_on_the_lead_and_notifies_the_owner(rep):
    lead = LeadFactory(follow_up_by=rep)
    out = Activity.objects.create(
        kind=ActivityKind.EMAIL_OUT,
        subject="Ihr Angebot",
        mail_to="jemand@anders.de",
        mail_state=MailState.QUEUED,
        delegated_by=rep,
    )
    lead.activities.add(out)
    message = build_message(out)  # gives the mail its stable Message-ID
    out.refresh_from_db()
    assert message.extra_headers["Message-ID"] == out.message_id
    assert build_message(out).extra_headers["Message-ID"] == out.message_id  # retry: same id

    mail = _run(
        raw_mail(
            sender="Unbekannt <other@elsewhere.de>",
            subject="Re: Ihr Angebot",
            headers={"In-Reply-To": out.message_id, "References": out.message_id},
        )
    )
    assert mail.state == InboundState.PROCESSED
    activity = mail.activity
    assert activity.kind == ActivityKind.EMAIL_IN
    assert activity.subject == "Re: Ihr Angebot"
    assert "bitte um ein Angebot" in activity.body
    assert activity.delegated_to == rep
    assert list(activity.leads.all()) == [lead]
    assert mail.lead == lead and not mail.lead_created
    note = Notification.objects.get(recipient=rep, kind=Kind.MAIL_RECEIVED)
    assert note.entity_id == lead.pk if hasattr(note, "entity_id") else True
    assert bytes(mail.raw) == b""  # not kept once processed


def test_mail_from_known_person_becomes_activity_with_attachment(settings, rep):
    settings.LEADCRM_INBOUND_ATTACHMENT_MAX_BYTES = 1000
    person = PersonFactory(email="Max.Muster@Kunde-Beispiel.de", owner=rep)
    mail = _run(
        raw_mail(
            sender="Max Muster <max.muster@kunde-beispiel.de>",
            attachments=(
                ("angebot.pdf", b"%PDF-1.4 klein", "application/pdf"),
                ("riesig.bin", b"x" * 2000, "application/octet-stream"),
            ),
        )
    )
    assert mail.state == InboundState.PROCESSED
    activity = mail.activity
    assert activity.person == person and activity.company == person.company
    assert [d.title for d in activity.documents.all()] == ["angebot.pdf"]
    assert activity.documents.get().file.read() == b"%PDF-1.4 klein"
    assert "riesig.bin" in activity.body  # the refused attachment is named
    assert Notification.objects.filter(recipient=rep, kind=Kind.MAIL_RECEIVED).count() == 1


def test_inquiry_from_unknown_sender_creates_a_distributed_lead(rep):
    make_rule(members=[rep])
    mail = _run(raw_mail(sender="Eva Neu <eva.neu@firma.de>", to=INQUIRY))
    assert mail.state == InboundState.PROCESSED and mail.lead_created
    lead = mail.lead
    assert lead.capture_channel == CaptureChannel.EMAIL
    assert (lead.email, lead.first_name, lead.last_name) == ("eva.neu@firma.de", "Eva", "Neu")
    assert lead.follow_up_by == rep  # distribution ran
    assert lead.activities.get().kind == ActivityKind.EMAIL_IN

    # the next mail of the same sender goes to that lead, no second lead
    again = _run(raw_mail(sender="eva.neu@firma.de", to=INQUIRY, subject="Nachtrag"))
    assert again.lead == lead and not again.lead_created
    assert Lead.objects.filter(email="eva.neu@firma.de").count() == 1


def test_unknown_sender_to_another_address_is_ignored():
    mail = _run(raw_mail(sender="x@y.de", to="jemand@leadcrm.example"))
    assert mail.state == InboundState.IGNORED and mail.reason
    assert not Lead.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"Precedence": "bulk"},
        {"List-Id": "<news.firma.de>"},
        {"Return-Path": "<>"},
    ],
)
def test_automated_mail_never_creates_a_lead(headers):
    mail = _run(raw_mail(sender="bot@firma.de", to=INQUIRY, headers=headers))
    assert mail.state == InboundState.IGNORED
    assert mail.reason
    assert not Lead.objects.exists()
    assert not Activity.objects.filter(kind=ActivityKind.EMAIL_IN).exists()


def test_auto_submitted_no_is_a_person(rep):
    mail = _run(raw_mail(sender="eva@firma.de", to=INQUIRY, headers={"Auto-Submitted": "no"}))
    assert mail.state == InboundState.PROCESSED and mail.lead_created


def test_same_message_is_stored_and_processed_once():
    raw = raw_mail(sender="x@firma.de", to=INQUIRY, message_id="<einmal@firma.de>")
    first = inbound_store(raw=raw, source=MailSource.WEBHOOK)
    assert inbound_store(raw=raw, source=MailSource.IMAP) is None
    inbound_process(mail_id=first.pk)
    assert inbound_process(mail_id=first.pk) is None  # already processed
    assert Lead.objects.count() == 1


def test_incoming_mail_is_shown_as_escaped_text(rep, rep_client):
    """HTML never reaches the page: the body is plain text, and the card escapes it."""
    LeadFactory(email="kunde@firma.de", follow_up_by=rep)
    mail = _run(
        raw_mail(
            sender="kunde@firma.de",
            text=None,
            html='<p>Hallo</p><img src="x" onerror="alert(1)"><script>alert(2)</script>'
            "<p>&lt;b&gt;kein Fett&lt;/b&gt;</p>",
        )
    )
    assert mail.activity.body == "Hallo\n\n<b>kein Fett</b>"
    page = rep_client.get(mail.activity.get_absolute_url()).content.decode()
    assert "&lt;b&gt;kein Fett&lt;/b&gt;" in page
    assert "onerror" not in page and "alert(" not in page
    assert "E-Mail eingehend" in page
