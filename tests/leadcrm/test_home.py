"""The start page "Mein Tag": what a rep sees, who may see it, constant query count."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import ActivityStatus
from leadcrm.home import my_day
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _overdue(user, days: int = 3, **kwargs):
    return f.LeadFactory(
        follow_up_by=user, follow_up_until=TODAY() - dt.timedelta(days=days), **kwargs
    )


def _appointment(user, hours: float = 2, **kwargs):
    start = timezone.now() + dt.timedelta(hours=hours)
    return f.ActivityFactory(
        appointment=True,
        delegated_to=user,
        start=start,
        end=start + dt.timedelta(hours=1),
        **kwargs,
    )


def test_rep_sees_overdue_appointments_top_leads_and_unread(rep, teammate, rep_client):
    late = _overdue(rep, days=5, company_name="Sonnenhof Energie GmbH")
    _overdue(rep, days=2, company_name="Konvertiert AG", status=f.status("Konvertiert"))
    _overdue(teammate, company_name="Fremde Firma KG")
    f.LeadFactory(follow_up_by=rep, follow_up_until=TODAY(), company_name="Heute fällig GmbH")
    meeting = _appointment(rep, hours=3, subject="Vor-Ort-Termin Dachbegehung")
    _appointment(rep, hours=-3, subject="Termin von heute früh")
    _appointment(rep, hours=24 * 9, subject="Termin in neun Tagen")
    _appointment(rep, hours=5, subject="Erledigter Termin", status=ActivityStatus.DONE)
    _appointment(teammate, hours=4, subject="Termin des Kollegen")
    f.ActivityFactory(task=True, delegated_to=rep, subject="Aufgabe statt Termin")
    best = f.LeadFactory(follow_up_by=rep, score=91, company_name="Windpark Nord GmbH")
    f.LeadFactory(
        follow_up_by=rep, score=99, company_name="Verloren GmbH", status=f.status("Disqualifiziert")
    )
    f.LeadFactory(follow_up_by=teammate, score=100, company_name="Kollegenlead GmbH")
    f.NotificationFactory(recipient=rep)
    f.NotificationFactory(recipient=rep)
    f.NotificationFactory(recipient=rep, read_at=timezone.now())
    f.NotificationFactory(recipient=teammate)

    response = rep_client.get(reverse("home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Mein Tag" in html
    assert "Sonnenhof Energie GmbH" in html
    assert reverse("leads:detail", args=[late.pk]) in html
    assert "Konvertiert AG" not in html
    assert "Fremde Firma KG" not in html
    assert "?follow_up_by=me&amp;overdue=on" in html
    assert "Vor-Ort-Termin Dachbegehung" in html
    assert reverse("activities:detail", args=[meeting.pk]) in html
    for hidden in (
        "Termin von heute früh",
        "Termin in neun Tagen",
        "Erledigter Termin",
        "Termin des Kollegen",
        "Aufgabe statt Termin",
    ):
        assert hidden not in html
    assert "Windpark Nord GmbH" in html
    assert reverse("leads:detail", args=[best.pk]) in html
    assert "Verloren GmbH" not in html
    assert "Kollegenlead GmbH" not in html
    day = response.context["day"]
    assert [lead.pk for lead in day.overdue] == [late.pk]  # due today is not overdue yet
    assert day.unread_count == 2
    assert day.overdue_count == 1
    assert reverse("leads:create") in html
    assert reverse("boards:lead_board") in html
    assert reverse("contacts:find") in html
    assert reverse("notifications:list") in html


def test_lists_are_ordered_and_capped(rep):
    for days in range(1, 14):
        _overdue(rep, days=days)
    for hours in range(1, 14):
        _appointment(rep, hours=hours)
    for score in (10, 50, 30, 90, 70, 20, 60):
        f.LeadFactory(follow_up_by=rep, score=score)

    day = my_day(rep)

    assert [lead.follow_up_until for lead in day.overdue] == sorted(
        lead.follow_up_until for lead in day.overdue
    )
    assert day.overdue[0].follow_up_until == TODAY() - dt.timedelta(days=13)
    assert len(day.overdue) == 10
    assert day.overdue_count == 13
    assert day.overdue_more
    assert len(day.appointments) == 10
    assert [a.start for a in day.appointments] == sorted(a.start for a in day.appointments)
    assert [lead.score for lead in day.top_leads] == [90, 70, 60, 50, 30]


def test_empty_day_shows_friendly_messages(rep_client):
    html = rep_client.get(reverse("home")).content.decode()
    assert "Keine überfälligen Nachbetreuungen." in html
    assert "Keine offenen Termine in den nächsten 7 Tagen." in html
    assert "Ihnen sind keine offenen Leads zugewiesen." in html


def test_outsider_is_refused(outsider_client):
    assert outsider_client.get(reverse("home")).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


# session, user, role groups, overdue rows, overdue count, appointments, top leads, unread
HOME_QUERIES = 7


@pytest.mark.parametrize("size", [2, 25])
def test_query_count_constant(rep, rep_client, django_assert_num_queries, size):
    company = f.CompanyFactory()
    for i in range(size):
        _overdue(rep, days=i + 1, customer=company if i % 2 else None, score=i)
        _appointment(rep, hours=i + 1)
        f.NotificationFactory(recipient=rep)
    with django_assert_num_queries(HOME_QUERIES):
        response = rep_client.get(reverse("home"))
    assert response.status_code == 200
