"""The personal iCal feed (secret, revocable, bounded) and invitations/cancellations sent
through the outbox with the icalendar package: UID, SEQUENCE, METHOD, ORGANIZER, ATTENDEE,
LOCATION, VTIMEZONE."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from activities.models import Activity, ActivityKind, ActivityStatus, MailState
from activities.services import activity_update
from agenda import feeds
from agenda.models import Invitation
from tests.factories import ActivityFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _appointment(rep, **kwargs):
    person = PersonFactory(first_name="Maria", last_name="Schulz", email="maria@kunde.example")
    return ActivityFactory(
        appointment=True,
        subject="Vor-Ort-Termin",
        delegated_to=rep,
        created_by=rep,
        person=person,
        company=person.company,
        location="Werkhalle 2, Augsburg",
        **kwargs,
    )


def _feed_url(secret: str) -> str:
    return reverse("agenda:feed", args=[secret])


# --- feed -----------------------------------------------------------------------------


def test_feed_needs_a_valid_token_and_is_revocable(client, rep, teammate):
    mine = _appointment(rep)
    ActivityFactory(appointment=True, subject="Termin des Kollegen", delegated_to=teammate)
    assert client.get(_feed_url("falsch")).status_code == 404
    secret = feeds.feed_token_create(user=rep)
    response = client.get(_feed_url(secret))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [mine.ical_uid]
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Berlin"
    assert "METHOD" not in calendar
    # regenerate: the old one is dead
    new = feeds.feed_token_create(user=rep)
    assert client.get(_feed_url(secret)).status_code == 404
    assert client.get(_feed_url(new)).status_code == 200
    feeds.feed_token_revoke(user=rep)
    assert client.get(_feed_url(new)).status_code == 404


def test_feed_window_is_bounded(client, rep):
    now = timezone.now()
    for days, subject in [(-200, "alt"), (-30, "neulich"), (200, "bald"), (500, "fern")]:
        ActivityFactory(
            appointment=True,
            subject=subject,
            delegated_to=rep,
            start=now + dt.timedelta(days=days),
            end=now + dt.timedelta(days=days, hours=1),
        )
    secret = feeds.feed_token_create(user=rep)
    events = Calendar.from_ical(client.get(_feed_url(secret)).content).walk("VEVENT")
    assert sorted(str(e["SUMMARY"]) for e in events) == ["bald", "neulich"]


def test_feed_of_an_inactive_user_is_gone(client, rep):
    secret = feeds.feed_token_create(user=rep)
    rep.is_active = False
    rep.save()
    assert client.get(_feed_url(secret)).status_code == 404


def test_subscription_page_shows_url_once_and_revokes(rep_client, rep, outsider_client):
    assert rep_client.get(reverse("agenda:subscription")).status_code == 200
    response = rep_client.post(reverse("agenda:subscription_create"))
    body = response.content.decode()
    assert "/kalender/feed/" in body
    assert "/kalender/feed/" not in rep_client.get(reverse("agenda:subscription")).content.decode()
    rep_client.post(reverse("agenda:subscription_revoke"))
    assert (
        not hasattr(type(rep), "calendar_feed")
        or not feeds.CalendarFeed.objects.filter(user=rep).exists()
    )
    assert outsider_client.get(reverse("agenda:subscription")).status_code == 403
    assert outsider_client.post(reverse("agenda:subscription_create")).status_code == 403


# --- invitations ------------------------------------------------------------------------


def _sent_calendar(message) -> Calendar:
    parts = [a for a in message.attachments if "calendar" in a[2]]
    assert parts, "no text/calendar part"
    return Calendar.from_ical(parts[0][1])


def test_invitation_has_uid_sequence_method_parties_location_timezone(
    rep_client, rep, django_capture_on_commit_callbacks
):
    rep.email = "anna.vogt@leadcrm.example"
    rep.save()
    activity = _appointment(rep)
    with django_capture_on_commit_callbacks(execute=True):
        response = rep_client.post(reverse("agenda:invite", args=[activity.pk]))
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["maria@kunde.example"]
    assert any("method=REQUEST" in mimetype for _, mimetype in message.alternatives)
    calendar = _sent_calendar(message)
    assert calendar["METHOD"] == "REQUEST"
    event = calendar.walk("VEVENT")[0]
    assert str(event["UID"]) == activity.ical_uid
    assert event["SEQUENCE"] == activity.ical_sequence
    assert str(event["ORGANIZER"]) == "mailto:anna.vogt@leadcrm.example"
    assert event["ORGANIZER"].params["CN"] == "Anna Vogt"
    attendee = event["ATTENDEE"]
    assert str(attendee) == "mailto:maria@kunde.example" and attendee.params["CN"] == "Maria Schulz"
    assert str(event["LOCATION"]) == "Werkhalle 2, Augsburg"
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Berlin"
    sent = Activity.objects.get(kind=ActivityKind.EMAIL_OUT)
    assert sent.mail_state == MailState.SENT


def test_sequence_rises_on_every_change(rep):
    activity = _appointment(rep)
    first = activity.ical_sequence
    activity = activity_update(activity=activity, data={"location": "Büro"}, user=rep)
    assert activity.ical_sequence == first + 1
    activity = activity_update(
        activity=activity,
        data={
            "start": activity.start + dt.timedelta(hours=1),
            "end": activity.end + dt.timedelta(hours=1),
        },
        user=rep,
    )
    assert activity.ical_sequence == first + 2


def test_update_after_move_carries_a_higher_sequence(
    rep_client, rep, django_capture_on_commit_callbacks
):
    activity = _appointment(rep)
    with django_capture_on_commit_callbacks(execute=True):
        rep_client.post(reverse("agenda:invite", args=[activity.pk]))
        activity.refresh_from_db()
        rep_client.post(
            reverse("agenda:move", args=[activity.pk]),
            {
                "start": "10.03.2027 14:00",
                "end": "10.03.2027 15:00",
                "location": "Halle 3",
                "version": activity.version,
                "send_invitation": "on",
            },
        )
    sequences = [_sent_calendar(m).walk("VEVENT")[0]["SEQUENCE"] for m in mail.outbox]
    assert len(sequences) == 2 and sequences[1] > sequences[0]
    assert str(_sent_calendar(mail.outbox[1]).walk("VEVENT")[0]["LOCATION"]) == "Halle 3"


def test_moving_without_the_checkbox_sends_nothing(
    rep_client, rep, django_capture_on_commit_callbacks
):
    activity = _appointment(rep)
    with django_capture_on_commit_callbacks(execute=True):
        rep_client.post(
            reverse("agenda:move", args=[activity.pk]),
            {"start": "10.03.2027 14:00", "end": "10.03.2027 15:00", "version": activity.version},
        )
    assert mail.outbox == [] and not Invitation.objects.exists()


def test_cancel_sends_method_cancel_through_the_outbox(
    rep_client, rep, django_capture_on_commit_callbacks
):
    activity = _appointment(rep)
    with django_capture_on_commit_callbacks(execute=True):
        rep_client.post(reverse("agenda:invite", args=[activity.pk]))
        activity.refresh_from_db()
        response = rep_client.post(
            reverse("agenda:cancel", args=[activity.pk]),
            {"version": activity.version, "send_cancellation": "on"},
        )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.CANCELLED
    assert len(mail.outbox) == 2
    cancel = _sent_calendar(mail.outbox[1])
    assert cancel["METHOD"] == "CANCEL"
    event = cancel.walk("VEVENT")[0]
    assert event["STATUS"] == "CANCELLED" and str(event["UID"]) == activity.ical_uid
    assert event["SEQUENCE"] > _sent_calendar(mail.outbox[0]).walk("VEVENT")[0]["SEQUENCE"]
    assert mail.outbox[1].subject.startswith("Abgesagt:")


def test_invite_without_contact_email_is_refused(
    rep_client, rep, django_capture_on_commit_callbacks
):
    activity = ActivityFactory(
        appointment=True, delegated_to=rep, created_by=rep, person=None, company=None
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = rep_client.post(reverse("agenda:invite", args=[activity.pk]), follow=True)
    assert "keine E-Mail-Adresse" in response.content.decode()
    assert mail.outbox == []


def test_lead_contact_email_is_the_attendee(rep, django_capture_on_commit_callbacks):
    from agenda.services import invitation_send

    activity = ActivityFactory(
        appointment=True,
        delegated_to=rep,
        created_by=rep,
        person=None,
        company=None,
        contact_name="Kai Brandt",
        contact_email="kai@messe.example",
    )
    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(appointment=activity, user=rep)
    attendee = _sent_calendar(mail.outbox[0]).walk("VEVENT")[0]["ATTENDEE"]
    assert str(attendee) == "mailto:kai@messe.example" and attendee.params["CN"] == "Kai Brandt"


def test_teammate_cannot_invite_or_cancel(teammate_client, rep):
    activity = _appointment(rep)
    assert teammate_client.post(reverse("agenda:invite", args=[activity.pk])).status_code == 403
    assert (
        teammate_client.post(
            reverse("agenda:cancel", args=[activity.pk]), {"version": activity.version}
        ).status_code
        == 403
    )
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.OPEN
