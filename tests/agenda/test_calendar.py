"""Mein Kalender: week and month show only the user's appointments and tasks, navigation
never fails on a bad URL, constant queries, moving an appointment (and the lead's slot)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, ActivityStatus
from agenda import periods
from tests.factories import ActivityFactory, LeadFactory
from tests.factories.activities import lead_with_appointment

pytestmark = pytest.mark.django_db

WEEK = reverse("agenda:week")
MONTH = reverse("agenda:month")
BERLIN = timezone.get_fixed_timezone(60)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _week_param(day: dt.date) -> str:
    return periods.week_param(day)


def test_week_shows_own_appointments_and_tasks_only(rep_client, rep, teammate):
    day = dt.date(2027, 3, 3)  # a Wednesday
    ActivityFactory(
        appointment=True,
        subject="Mein Termin",
        delegated_to=rep,
        start=_at(day, 10),
        end=_at(day, 11),
    )
    ActivityFactory(task=True, subject="Meine Aufgabe", delegated_to=rep, start=_at(day, 9))
    ActivityFactory(
        appointment=True,
        subject="Fremder Termin",
        delegated_to=teammate,
        start=_at(day, 10),
        end=_at(day, 11),
    )
    ActivityFactory(subject="Notiz ohne Kalender", delegated_to=rep, start=_at(day, 12))
    response = rep_client.get(WEEK, {"woche": _week_param(day)})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Mein Termin" in body and "Meine Aufgabe" in body
    assert "Fremder Termin" not in body and "Notiz ohne Kalender" not in body
    # German weekday names, the ISO week in the title
    assert "Mittwoch" in body and "KW 9" in body


def test_month_shows_german_month_and_own_entries(rep_client, rep, teammate):
    day = dt.date(2027, 5, 20)
    ActivityFactory(
        appointment=True,
        subject="Maitermin",
        delegated_to=rep,
        start=_at(day, 14),
        end=_at(day, 15),
    )
    ActivityFactory(
        appointment=True,
        subject="Nicht meiner",
        delegated_to=teammate,
        start=_at(day, 14),
        end=_at(day, 15),
    )
    body = rep_client.get(MONTH, {"monat": "2027-05"}).content.decode()
    assert "Mai 2027" in body and "Maitermin" in body and "Nicht meiner" not in body
    assert "?monat=2027-04" in body and "?monat=2027-06" in body


def test_week_navigation_links(rep_client):
    body = rep_client.get(WEEK, {"woche": "2027-W01"}).content.decode()
    assert "?woche=2026-W53" in body and "?woche=2027-W02" in body


@pytest.mark.parametrize(
    "params",
    [
        {"woche": "abc"},
        {"woche": "0000-W01"},
        {"woche": "99999-W01"},
        {"woche": "2027-W60"},
        {"woche": "2200-W52"},
        {"datum": "0000-01-01"},
        {"datum": "99999-01-01"},
        {"datum": "2027-02-30"},
        {"woche": "1900-W01"},
        {"woche": "\x00"},
    ],
)
def test_week_bad_parameters_fall_back(rep_client, params):
    assert rep_client.get(WEEK, params).status_code == 200


@pytest.mark.parametrize(
    "value", ["abc", "0000-01", "99999-01", "2027-13", "2027-00", "1900-01", "2200-12", "-1"]
)
def test_month_bad_parameters_fall_back(rep_client, value):
    assert rep_client.get(MONTH, {"monat": value}).status_code == 200


def test_outsider_and_anonymous_refused(outsider_client, client):
    assert outsider_client.get(WEEK).status_code == 403
    assert outsider_client.get(MONTH).status_code == 403
    assert client.get(WEEK).status_code == 302


def _queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url,key,value", [(WEEK, "woche", "2027-W09"), (MONTH, "monat", "2027-03")]
)
def test_query_count_does_not_grow(rep_client, rep, url, key, value, django_assert_max_num_queries):
    day = dt.date(2027, 3, 2)
    lead = LeadFactory()
    first = ActivityFactory(appointment=True, delegated_to=rep, start=_at(day, 8), end=_at(day, 9))
    lead.activities.add(first)
    small = _queries(rep_client, url, {key: value})
    for hour in range(9, 17):
        entry = ActivityFactory(
            appointment=True,
            delegated_to=rep,
            start=_at(day, hour),
            end=_at(day, hour) + dt.timedelta(minutes=30),
        )
        LeadFactory().activities.add(entry)
        ActivityFactory(task=True, delegated_to=rep, start=_at(day + dt.timedelta(days=1), hour))
    with django_assert_max_num_queries(small):
        assert rep_client.get(url, {key: value}).status_code == 200


# --- moving ---------------------------------------------------------------------------


def _move(client, activity, start: str, end: str, **extra):
    data = {"start": start, "end": end, "location": "", "version": activity.version, **extra}
    return client.post(reverse("agenda:move", args=[activity.pk]), data)


def test_move_plain_appointment(rep_client, rep):
    activity = ActivityFactory(appointment=True, delegated_to=rep, created_by=rep)
    response = _move(
        rep_client, activity, "10.03.2027 14:00", "10.03.2027 15:30", location="Halle 3"
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert timezone.localtime(activity.start) == _at(dt.date(2027, 3, 10), 14)
    assert activity.location == "Halle 3"


def test_move_form_in_place_via_htmx(rep_client, rep):
    activity = ActivityFactory(appointment=True, delegated_to=rep, created_by=rep)
    url = reverse("agenda:move", args=[activity.pk])
    body = rep_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in body and "Einladung senden" in body
    response = rep_client.post(
        url, {"start": "x", "end": "", "version": activity.version}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "invalid-feedback" in response.content.decode()


def test_move_lead_appointment_updates_the_leads_planned_slot(rep_client, rep):
    lead = lead_with_appointment(appointment_with=rep, follow_up_by=rep)
    from leads.services.appointments import lead_sync_appointment

    lead_sync_appointment(lead=lead, user=rep)
    lead.refresh_from_db()
    activity = lead.appointment
    response = _move(rep_client, activity, "12.04.2027 09:00", "12.04.2027 10:00")
    assert response.status_code == 302, response.content
    lead.refresh_from_db()
    activity.refresh_from_db()
    assert timezone.localtime(lead.planned_start) == _at(dt.date(2027, 4, 12), 9)
    assert timezone.localtime(lead.planned_end) == _at(dt.date(2027, 4, 12), 10)
    assert (activity.start, activity.end) == (lead.planned_start, lead.planned_end)
    # one appointment, moved: the lead's sync did not make a second one
    assert Activity.objects.filter(leads=lead, kind="appointment").count() == 1
    assert lead.history.filter(planned_start=lead.planned_start).exists()


def test_move_refused_for_teammate_and_stale_version(teammate_client, rep_client, rep):
    activity = ActivityFactory(appointment=True, delegated_to=rep, created_by=rep)
    assert (
        _move(teammate_client, activity, "10.03.2027 14:00", "10.03.2027 15:00").status_code == 403
    )
    stale = _move(
        rep_client, activity, "10.03.2027 14:00", "10.03.2027 15:00", version=activity.version + 5
    )
    assert stale.status_code == 200 and "inzwischen geändert" in stale.content.decode()


def test_move_rejects_end_before_start_and_absurd_years(rep_client, rep):
    activity = ActivityFactory(appointment=True, delegated_to=rep, created_by=rep)
    before = activity.start
    for start, end in [
        ("10.03.2027 14:00", "10.03.2027 13:00"),
        ("01.01.0001 10:00", "01.01.0001 11:00"),
        ("01.01.99999 10:00", "02.01.99999 10:00"),
    ]:
        assert _move(rep_client, activity, start, end).status_code == 200
    activity.refresh_from_db()
    assert activity.start == before


def test_cancelled_appointment_cannot_be_moved(rep_client, rep):
    activity = ActivityFactory(
        appointment=True, delegated_to=rep, created_by=rep, status=ActivityStatus.CANCELLED
    )
    response = _move(rep_client, activity, "10.03.2027 14:00", "10.03.2027 15:00")
    assert "abgesagter Termin" in response.content.decode()
