"""Action box: enabling conditions and the four processes end to end (anymail test backend)."""

import icalendar
import pytest
from django.core import mail

from activities.models import Activity, ActivityKind, ActivityStatus, MailState, TemplatePurpose
from leads.action_box import action_box_entries
from leads.models import LeadContact
from leads.services.appointments import lead_sync_appointment
from notifications.models import Notification, Priority
from tests.factories import (
    DocumentFactory,
    LeadContactFactory,
    LeadFactory,
    MailTemplateFactory,
    OpportunityFactory,
    PersonFactory,
)
from tests.factories.activities import lead_with_appointment, planned


def _as_list(value):
    return value if isinstance(value, list) else [value]


pytestmark = pytest.mark.django_db


# the four processes of the processes app ("convert" is the conversion app's entry in the same box)
PROCESS_KEYS = {"add_contacts", "appointment_confirmation", "add_employees", "info_material"}


def _entries(lead, user):
    return {e["key"]: e for e in action_box_entries(lead, user) if e["key"] in PROCESS_KEYS}


@pytest.mark.parametrize(
    "main_contact, email, start, end, with_user, expected",
    [
        # main, e-mail, start, end, Termin mit → enabled entries
        (False, False, False, False, False, set()),
        (True, False, False, False, False, {"add_contacts", "info_material"}),
        (False, True, False, False, False, {"info_material"}),
        (False, True, True, False, False, {"info_material", "appointment_confirmation"}),
        (
            True,
            False,
            True,
            False,
            False,
            {"add_contacts", "info_material", "appointment_confirmation"},
        ),
        (False, False, True, True, True, {"add_employees"}),
        (False, False, True, True, False, set()),
        (False, False, True, False, True, set()),
        (
            True,
            True,
            True,
            True,
            True,
            {"add_contacts", "info_material", "appointment_confirmation", "add_employees"},
        ),
    ],
)
def test_enabling_conditions(rep, main_contact, email, start, end, with_user, expected):
    s, e = planned()
    lead = LeadFactory(
        email="kunde@example.de" if email else "",
        planned_start=s if start else None,
        planned_end=e if end else None,
        appointment_with=rep if with_user else None,
    )
    if main_contact:
        LeadContactFactory(lead=lead, is_main=True)
    entries = _entries(lead, rep)
    assert {k for k, v in entries.items() if v["enabled"]} == expected
    assert set(entries) == PROCESS_KEYS
    for entry in entries.values():
        assert entry["url"].startswith(f"/leads/{lead.pk}/prozesse/")
        assert bool(entry["reason"]) is (not entry["enabled"])


def test_further_contact_without_main_does_not_enable(rep):
    lead = LeadFactory(email="")
    LeadContactFactory(lead=lead, is_main=False)
    assert not _entries(lead, rep)["add_contacts"]["enabled"]


# --- process 1 ---------------------------------------------------------------------------


def test_add_further_contacts(rep_client, rep):
    lead = lead_with_appointment(appointment_with=rep)
    p1, p2 = PersonFactory(last_name="Brandt"), PersonFactory(last_name="Brenner")
    url = f"/leads/{lead.pk}/prozesse/ansprechpartner/"

    search = rep_client.get(url + "suche/", {"q": "Br"}, headers={"HX-Request": "true"})
    assert "Brandt" in search.content.decode() and "<html" not in search.content.decode()

    response = rep_client.post(url, {"persons": [p1.pk, p2.pk]})
    assert response.status_code == 302
    links = LeadContact.objects.filter(lead=lead, person__in=[p1, p2])
    assert links.count() == 2 and not links.filter(is_main=True).exists()
    assert LeadContact.objects.filter(lead=lead, is_main=True).count() == 1


def test_add_contacts_refused_without_main_contact(rep_client, rep):
    lead = LeadFactory(follow_up_by=rep)
    response = rep_client.post(
        f"/leads/{lead.pk}/prozesse/ansprechpartner/", {"persons": [PersonFactory().pk]}
    )
    assert response.status_code == 302
    assert not LeadContact.objects.filter(lead=lead).exists()


# --- process 2 ---------------------------------------------------------------------------


def _confirmation_template():
    from activities.models import MailTemplate

    return MailTemplate.objects.get(
        purpose=TemplatePurpose.APPOINTMENT_CONFIRMATION, name="Meeting"
    )


def test_appointment_confirmation_end_to_end(rep_client, rep, django_capture_on_commit_callbacks):
    rep.signature = "Anna Vogt\nVertrieb Süd"
    rep.email = "anna.vogt@leadcrm.example"
    rep.save()
    lead = lead_with_appointment(appointment_with=rep)
    lead_sync_appointment(lead=lead, user=rep)
    further = PersonFactory(email="weitere@kunde.de")
    LeadContactFactory(lead=lead, person=further, is_main=False)
    opportunity = OpportunityFactory(lead=lead)
    template = _confirmation_template()

    response = rep_client.post(
        f"/leads/{lead.pk}/prozesse/terminbestaetigung/", {"template": template.pk}
    )
    assert response.status_code == 302
    activity = Activity.objects.get(kind=ActivityKind.EMAIL_OUT)
    assert response["Location"] == f"/leads/{lead.pk}/prozesse/mail/{activity.pk}/"
    assert activity.status == ActivityStatus.OPEN
    assert activity.delegated_by == rep and activity.delegated_to == rep
    assert activity.person.last_name == "Schulz"
    assert list(activity.recipients.all()) == [further]
    assert lead.activities.filter(pk=activity.pk).exists()
    assert opportunity.activities.filter(pk=activity.pk).exists()
    assert not mail.outbox

    dialog = rep_client.get(response["Location"]).content.decode()
    assert "Sehr geehrte Frau Schulz" in dialog
    assert "Vertrieb Süd" in dialog  # signature
    assert "einladung.ics" in dialog

    with django_capture_on_commit_callbacks(execute=True):
        post = rep_client.post(
            response["Location"],
            {
                "mail_to": activity.mail_to,
                "mail_cc": activity.mail_cc,
                "subject": activity.subject,
                "body": activity.body + "\nPS: Parkplätze vor dem Haus.",
                "version": activity.version,
            },
        )
    assert post.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [lead.lead_contacts.get(is_main=True).person.email]
    assert message.cc == ["weitere@kunde.de"]
    assert message.subject.startswith("Terminbestätigung: Unser Gespräch am")
    assert "PS: Parkplätze" in message.body and "Vertrieb Süd" in message.body
    assert message.reply_to == ["anna.vogt@leadcrm.example"]
    ((html, mimetype_html),) = message.alternatives
    assert mimetype_html == "text/html" and "<br>" in html
    ((name, content, mimetype),) = message.attachments
    assert name == "einladung.ics" and mimetype.startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(content)
    assert calendar["METHOD"] == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    lead.refresh_from_db()
    assert str(event["UID"]) == f"activity-{lead.appointment_id}@leadcrm"
    assert event.decoded("DTSTART") == lead.planned_start
    assert str(event["DTSTART"].params["TZID"]) == "Europe/Berlin"
    assert [str(a) for a in _as_list(event["ATTENDEE"])] == [f"mailto:{message.to[0]}"]
    assert calendar.walk("VTIMEZONE")
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.DONE
    assert activity.mail_state == MailState.SENT and activity.sent_at is not None
    assert activity.esp_message_id == "0"


def test_confirmation_falls_back_to_lead_email(rep_client, rep):
    lead = lead_with_appointment(appointment_with=rep, main_contact=False, email="lead@kunde.de")
    rep_client.post(
        f"/leads/{lead.pk}/prozesse/terminbestaetigung/", {"template": _confirmation_template().pk}
    )
    activity = Activity.objects.get(kind=ActivityKind.EMAIL_OUT)
    assert activity.mail_to == "lead@kunde.de" and activity.person is None


def test_unknown_placeholder_is_refused_and_nothing_created(rep_client, rep):
    lead = lead_with_appointment(appointment_with=rep)
    bad = MailTemplateFactory(
        purpose=TemplatePurpose.APPOINTMENT_CONFIRMATION,
        name="Kaputt",
        body="Hallo {{ contact.nickname }}",
    )
    response = rep_client.post(
        f"/leads/{lead.pk}/prozesse/terminbestaetigung/", {"template": bad.pk}
    )
    assert response.status_code == 200
    assert "unbekannte Platzhalter: contact.nickname" in response.content.decode()
    assert not Activity.objects.filter(kind=ActivityKind.EMAIL_OUT).exists()
    assert not mail.outbox


def test_template_syntax_error_is_refused(rep_client, rep):
    lead = lead_with_appointment(appointment_with=rep)
    bad = MailTemplateFactory(
        purpose=TemplatePurpose.APPOINTMENT_CONFIRMATION, name="Syntax", body="{% if %}"
    )
    response = rep_client.post(
        f"/leads/{lead.pk}/prozesse/terminbestaetigung/", {"template": bad.pk}
    )
    assert "enthält einen Fehler" in response.content.decode()
    assert not Activity.objects.filter(kind=ActivityKind.EMAIL_OUT).exists()


def test_template_cannot_reach_the_orm(rep_client, rep):
    lead = lead_with_appointment(appointment_with=rep)
    bad = MailTemplateFactory(
        purpose=TemplatePurpose.APPOINTMENT_CONFIRMATION,
        name="Neugierig",
        body="{{ lead.activities.all }}{% load static %}",
    )
    response = rep_client.post(
        f"/leads/{lead.pk}/prozesse/terminbestaetigung/", {"template": bad.pk}
    )
    assert response.status_code == 200
    assert not Activity.objects.filter(kind=ActivityKind.EMAIL_OUT).exists()


def test_invalid_recipient_gives_german_error_and_sends_nothing(rep_client, rep):
    lead = lead_with_appointment(appointment_with=rep)
    rep_client.post(
        f"/leads/{lead.pk}/prozesse/terminbestaetigung/", {"template": _confirmation_template().pk}
    )
    activity = Activity.objects.get(kind=ActivityKind.EMAIL_OUT)
    response = rep_client.post(
        f"/leads/{lead.pk}/prozesse/mail/{activity.pk}/",
        {"mail_to": "kein-mail", "subject": "x", "body": "y", "version": activity.version},
    )
    assert response.status_code == 200
    assert "keine gültige E-Mail-Adresse" in response.content.decode()
    assert not mail.outbox


def test_failed_send_keeps_activity_open_with_error(rep, monkeypatch):
    from anymail.exceptions import AnymailAPIError

    from activities import mail as mail_module
    from activities.models import MailTemplate
    from processes.services import lead_create_mail_activity

    lead = lead_with_appointment(appointment_with=rep)
    activity = lead_create_mail_activity(
        lead=lead, template=MailTemplate.objects.get(name="Messebesuch"), user=rep
    )
    activity.mail_state = MailState.QUEUED
    activity.mail_attempts = mail_module.MAX_SEND_ATTEMPTS - 1
    activity.save()

    def boom(self):
        raise AnymailAPIError("ESP nicht erreichbar")

    monkeypatch.setattr(mail_module.AnymailMessage, "send", boom)
    mail_module.activity_send_mail(activity_id=activity.pk)
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.OPEN
    assert activity.mail_state == MailState.FAILED
    assert "ESP nicht erreichbar" in activity.mail_error


def test_retryable_failure_stays_queued_and_raises(rep, monkeypatch):
    from anymail.exceptions import AnymailAPIError

    from activities import mail as mail_module
    from activities.models import MailTemplate
    from processes.services import lead_create_mail_activity

    lead = lead_with_appointment(appointment_with=rep)
    activity = lead_create_mail_activity(
        lead=lead, template=MailTemplate.objects.get(name="Meeting"), user=rep
    )
    Activity.objects.filter(pk=activity.pk).update(mail_state=MailState.QUEUED)
    monkeypatch.setattr(
        mail_module.AnymailMessage, "send", lambda self: (_ for _ in ()).throw(AnymailAPIError("x"))
    )
    with pytest.raises(mail_module.MailSendError):
        mail_module.activity_send_mail(activity_id=activity.pk)
    activity.refresh_from_db()
    assert activity.mail_state == MailState.QUEUED and activity.mail_attempts == 1
    assert activity.status == ActivityStatus.OPEN


def test_send_is_idempotent(rep):
    from activities import mail as mail_module
    from activities.models import MailTemplate
    from processes.services import lead_create_mail_activity

    lead = lead_with_appointment(appointment_with=rep)
    activity = lead_create_mail_activity(
        lead=lead, template=MailTemplate.objects.get(name="Meeting"), user=rep
    )
    Activity.objects.filter(pk=activity.pk).update(mail_state=MailState.QUEUED)
    mail_module.activity_send_mail(activity_id=activity.pk)
    mail_module.activity_send_mail(activity_id=activity.pk)
    assert len(mail.outbox) == 1


def test_broker_down_keeps_mail_queued_and_request_succeeds(
    rep_client, rep, monkeypatch, django_capture_on_commit_callbacks
):
    from activities import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(tasks.send_activity_mail, "delay", broker_down)
    lead = lead_with_appointment(appointment_with=rep)
    rep_client.post(
        f"/leads/{lead.pk}/prozesse/terminbestaetigung/", {"template": _confirmation_template().pk}
    )
    activity = Activity.objects.get(kind=ActivityKind.EMAIL_OUT)
    with django_capture_on_commit_callbacks(execute=True):
        response = rep_client.post(
            f"/leads/{lead.pk}/prozesse/mail/{activity.pk}/",
            {"mail_to": "a@kunde.de", "subject": "s", "body": "b", "version": activity.version},
        )
    assert response.status_code == 302
    assert Activity.objects.get(pk=activity.pk).mail_state == MailState.QUEUED
    assert not mail.outbox


def test_requeue_pending_mails_sends_stuck_ones(rep):
    import datetime as dt

    from django.utils import timezone

    from activities.tasks import requeue_pending_mails

    stuck = Activity.objects.create(
        kind=ActivityKind.EMAIL_OUT,
        subject="Hängt",
        body="x",
        mail_to="a@kunde.de",
        mail_state=MailState.QUEUED,
        delegated_by=rep,
    )
    fresh = Activity.objects.create(
        kind=ActivityKind.EMAIL_OUT,
        subject="Frisch",
        body="x",
        mail_to="b@kunde.de",
        mail_state=MailState.QUEUED,
        delegated_by=rep,
    )
    Activity.objects.filter(pk=stuck.pk).update(updated_at=timezone.now() - dt.timedelta(hours=1))
    assert requeue_pending_mails() == 1
    assert [m.subject for m in mail.outbox] == ["Hängt"]
    assert Activity.objects.get(pk=fresh.pk).mail_state == MailState.QUEUED


# --- process 3 ---------------------------------------------------------------------------


def test_add_employees_creates_one_appointment_each_and_notifies(
    rep_client, rep, teammate, manager
):
    lead = lead_with_appointment(appointment_with=rep)
    response = rep_client.post(
        f"/leads/{lead.pk}/prozesse/mitarbeiter/", {"users": [teammate.pk, manager.pk]}
    )
    assert response.status_code == 302
    appts = Activity.objects.filter(kind=ActivityKind.APPOINTMENT, leads=lead)
    assert {a.delegated_to for a in appts} == {teammate, manager}
    assert all(a.start == lead.planned_start and a.delegated_by == rep for a in appts)
    for user in (teammate, manager):
        note = Notification.objects.get(recipient=user)
        assert note.priority == Priority.A
    assert not Notification.objects.filter(recipient=rep).exists()


def test_add_employees_twice_gives_no_second_appointment(rep, teammate):
    from processes.services import lead_add_employees

    lead = lead_with_appointment(appointment_with=rep)
    lead_add_employees(lead=lead, users=[teammate], user=rep)
    lead_add_employees(lead=lead, users=[teammate], user=rep)
    assert Activity.objects.filter(delegated_to=teammate).count() == 1
    assert Notification.objects.filter(recipient=teammate).count() == 1


def test_add_employees_refused_without_appointment(rep_client, rep, teammate):
    lead = LeadFactory(follow_up_by=rep)
    response = rep_client.post(f"/leads/{lead.pk}/prozesse/mitarbeiter/", {"users": [teammate.pk]})
    assert response.status_code == 302
    assert not Activity.objects.exists()


# --- process 4 ---------------------------------------------------------------------------


def test_info_material_attaches_documents_and_falls_back_to_lead_email(
    rep_client, rep, django_capture_on_commit_callbacks
):
    lead = LeadFactory(email="lead@kunde.de", follow_up_by=rep, interests=["Windkraft"])
    template = MailTemplateFactory(
        purpose=TemplatePurpose.INFO_MATERIAL,
        name="Mit Broschüre",
        subject="Infos zu {{ lead.interest_names }}",
    )
    doc = DocumentFactory(title="Broschüre Windkraft")
    template.documents.add(doc)

    rep_client.post(f"/leads/{lead.pk}/prozesse/infomaterial/", {"template": template.pk})
    activity = Activity.objects.get(kind=ActivityKind.EMAIL_OUT)
    assert activity.mail_to == "lead@kunde.de"
    assert activity.subject == "Infos zu Windkraft"
    assert list(activity.documents.all()) == [doc]

    with django_capture_on_commit_callbacks(execute=True):
        rep_client.post(
            f"/leads/{lead.pk}/prozesse/mail/{activity.pk}/",
            {
                "mail_to": activity.mail_to,
                "subject": activity.subject,
                "body": activity.body,
                "version": activity.version,
            },
        )
    (message,) = mail.outbox
    assert message.to == ["lead@kunde.de"]
    ((name, content, _mime),) = message.attachments
    assert name.endswith(".pdf") and content.startswith(b"%PDF")
    assert Activity.objects.get(pk=activity.pk).status == ActivityStatus.DONE


def test_info_material_refused_without_address(rep_client, rep):
    lead = LeadFactory(email="", follow_up_by=rep)
    response = rep_client.get(f"/leads/{lead.pk}/prozesse/infomaterial/")
    assert response.status_code == 302


@pytest.mark.parametrize(
    "path",
    [
        "ansprechpartner/",
        "ansprechpartner/suche/",
        "terminbestaetigung/",
        "mitarbeiter/",
        "infomaterial/",
    ],
)
def test_outsider_refused(outsider_client, rep, path):
    lead = lead_with_appointment(appointment_with=rep)
    assert outsider_client.get(f"/leads/{lead.pk}/prozesse/{path}").status_code == 403


def test_other_users_mail_dialog_refused(rep_client, rep, teammate_client):
    lead = lead_with_appointment(appointment_with=rep)
    rep_client.post(
        f"/leads/{lead.pk}/prozesse/terminbestaetigung/", {"template": _confirmation_template().pk}
    )
    activity = Activity.objects.get(kind=ActivityKind.EMAIL_OUT)
    response = teammate_client.get(f"/leads/{lead.pk}/prozesse/mail/{activity.pk}/")
    assert response.status_code == 403
    assert "nur er kann sie versenden" in response.content.decode()  # German, in the layout
    sent = teammate_client.post(
        f"/leads/{lead.pk}/prozesse/mail/{activity.pk}/",
        {"mail_to": "x@example.de", "subject": "s", "body": "b", "version": activity.version},
    )
    assert sent.status_code == 403
    activity.refresh_from_db()
    assert activity.mail_state == MailState.DRAFT and not mail.outbox
