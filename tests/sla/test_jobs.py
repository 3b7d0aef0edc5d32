"""The beat job: due times, first-response detection, warnings and escalations (once)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from activities.models import Activity, ActivityStatus, MailState
from leads.models import Lead
from notifications.kinds import render
from notifications.models import Kind, Notification
from sla.jobs import sla_check
from sla.models import SlaPolicy, WorkingHours
from sla.workhours import Calendar, add_working_hours
from tests.factories import ActivityFactory, UserFactory, lead_type, source
from tests.sla.conftest import make_lead

pytestmark = pytest.mark.django_db


def _activity(lead, *, created_ago=dt.timedelta(minutes=10), **fields) -> Activity:
    activity = ActivityFactory(**fields)
    Activity.objects.filter(pk=activity.pk).update(created_at=timezone.now() - created_ago)
    lead.activities.add(activity)
    activity.refresh_from_db()
    return activity


def test_due_time_set_for_matching_recent_leads(web_policy):
    lead = make_lead(source=source("Webseite"))
    other = make_lead(source=source("Messe"))
    old = make_lead(source=source("Webseite"), created_ago=dt.timedelta(days=40))
    sla_check()
    lead.refresh_from_db()
    calendar = Calendar.of(WorkingHours.objects.get(is_default=True))
    assert lead.response_due_at == add_working_hours(lead.created_at, 4, calendar)
    assert Lead.objects.get(pk=other.pk).response_due_at is None
    assert Lead.objects.get(pk=old.pk).response_due_at is None  # the backfill's job


def test_first_matching_policy_by_priority_then_specificity(web_policy):
    SlaPolicy.objects.create(
        name="SQL aus dem Web: 1 Stunde",
        source=source("Webseite"),
        type=lead_type("SQL"),
        response_hours=Decimal("1"),
        priority=10,
    )
    SlaPolicy.objects.create(name="Alles: 40 Stunden", response_hours=40, priority=1, active=False)
    lead = make_lead(source=source("Webseite"), type=lead_type("SQL"))
    sla_check()
    lead.refresh_from_db()
    calendar = Calendar.of(WorkingHours.objects.get(is_default=True))
    assert lead.response_due_at == add_working_hours(lead.created_at, 1, calendar)


def test_policy_with_own_working_hours(web_policy):
    web_policy.working_hours = WorkingHours.objects.create(
        name="Rund um die Uhr", saturday=True, sunday=True, start=dt.time(0), end=dt.time(23, 59)
    )
    web_policy.save()
    lead = make_lead(source=source("Webseite"))
    sla_check()
    lead.refresh_from_db()
    assert lead.response_due_at == add_working_hours(
        lead.created_at, 4, Calendar.of(web_policy.working_hours)
    )


@pytest.mark.parametrize(
    ("fields", "responds"),
    [
        ({"email_out": True, "mail_state": MailState.SENT}, "sent_at"),
        ({"email_out": True, "mail_state": MailState.DRAFT}, None),  # not sent yet
        ({"call": True, "status": ActivityStatus.DONE}, "start"),
        ({"call": True, "status": ActivityStatus.OPEN}, None),  # a planned call
        ({"task": True}, None),
        ({}, None),  # a note is internal
        ({"appointment": True}, None),
    ],
)
def test_first_response_detection(web_policy, fields, responds):
    lead = make_lead(source=source("Webseite"), created_ago=dt.timedelta(hours=2))
    moment = timezone.now() - dt.timedelta(minutes=30)
    if "mail_state" in fields and fields["mail_state"] == MailState.SENT:
        fields["sent_at"] = moment
    if "call" in fields:
        fields["start"] = moment
    _activity(lead, **fields)
    sla_check()
    lead.refresh_from_db()
    if responds is None:
        assert lead.first_response_at is None
    else:
        assert lead.first_response_at == moment


def test_first_response_is_the_earliest_and_never_before_creation(web_policy):
    lead = make_lead(created_ago=dt.timedelta(hours=3))
    early = lead.created_at - dt.timedelta(hours=1)  # the call that was the inquiry
    _activity(lead, call=True, status=ActivityStatus.DONE, start=early)
    _activity(
        lead,
        email_out=True,
        mail_state=MailState.SENT,
        sent_at=timezone.now() - dt.timedelta(minutes=5),
    )
    sla_check()
    lead.refresh_from_db()
    assert lead.first_response_at == lead.created_at


def test_activity_logged_before_the_lead_does_not_count(web_policy):
    lead = make_lead(created_ago=dt.timedelta(hours=1))
    _activity(
        lead,
        created_ago=dt.timedelta(days=2),
        email_out=True,
        mail_state=MailState.SENT,
        sent_at=timezone.now() - dt.timedelta(days=2),
    )
    sla_check()
    lead.refresh_from_db()
    assert lead.first_response_at is None


def test_warning_once_before_breach(web_policy, rep, manager):
    due = timezone.now() + dt.timedelta(minutes=30)
    lead = make_lead(source=source("Webseite"), follow_up_by=rep, response_due_at=due)
    later = make_lead(
        source=source("Webseite"),
        follow_up_by=rep,
        response_due_at=timezone.now() + dt.timedelta(hours=3),
    )
    sla_check()
    sla_check()
    warnings = Notification.objects.filter(kind=Kind.SLA_WARNING)
    assert list(warnings.values_list("recipient_id", "object_id")) == [(rep.pk, lead.pk)]
    assert not Notification.objects.filter(object_id=later.pk).exists()
    assert not Notification.objects.filter(kind=Kind.SLA_BREACHED).exists()


def test_escalation_once_to_every_sales_manager(web_policy, rep, manager):
    second = UserFactory(username="leitung2", roles=["Vertriebsleitung"])
    UserFactory(username="inactive", roles=["Vertriebsleitung"], is_active=False)
    due = timezone.now() - dt.timedelta(minutes=5)
    lead = make_lead(source=source("Webseite"), follow_up_by=rep, response_due_at=due)
    first = sla_check()
    again = sla_check()
    assert (first.escalated, again.escalated) == (1, 0)
    escalations = Notification.objects.filter(kind=Kind.SLA_BREACHED)
    assert sorted(escalations.values_list("recipient_id", flat=True)) == sorted(
        [manager.pk, second.pk]
    )
    lead.refresh_from_db()
    assert lead.response_breached_at is not None
    title, text = render(escalations.first())
    assert lead.number in text and "Anna Vogt" in text and "Webanfrage" in text
    assert title.startswith("SLA verletzt")


def test_escalation_after_state_lost_is_not_repeated(web_policy, rep, manager):
    """A stale save that wiped response_breached_at must not notify a second time."""
    due = timezone.now() - dt.timedelta(minutes=5)
    lead = make_lead(source=source("Webseite"), follow_up_by=rep, response_due_at=due)
    sla_check()
    Lead.objects.filter(pk=lead.pk).update(response_breached_at=None)
    sla_check()
    assert Notification.objects.filter(kind=Kind.SLA_BREACHED).count() == 1


def test_no_warning_or_escalation_for_answered_or_closed_leads(web_policy, rep, manager):
    due = timezone.now() - dt.timedelta(minutes=5)
    make_lead(follow_up_by=rep, response_due_at=due, first_response_at=due)
    make_lead(follow_up_by=rep, response_due_at=due, closed_at=due - dt.timedelta(hours=1))
    make_lead(
        follow_up_by=rep,
        response_due_at=timezone.now() + dt.timedelta(minutes=10),
        first_response_at=timezone.now(),
    )
    sla_check()
    assert not Notification.objects.filter(kind__in=[Kind.SLA_BREACHED, Kind.SLA_WARNING]).exists()


def test_late_response_is_recorded_as_breach_without_escalation(web_policy, manager):
    due = timezone.now() - dt.timedelta(hours=1)
    lead = make_lead(response_due_at=due)
    _activity(
        lead,
        email_out=True,
        mail_state=MailState.SENT,
        sent_at=timezone.now() - dt.timedelta(minutes=5),
    )
    Lead.objects.filter(pk=lead.pk).update(response_breached_at=None)
    # the answer arrived before the job saw the breach
    sla_check()
    lead.refresh_from_db()
    assert lead.first_response_at is not None
    assert lead.response_breached_at == due
    assert not Notification.objects.filter(kind=Kind.SLA_BREACHED).exists()


def test_backfill_command_for_existing_data(web_policy, manager):
    old = make_lead(source=source("Webseite"), created_ago=dt.timedelta(days=200))
    answered = make_lead(source=source("Webseite"), created_ago=dt.timedelta(days=100))
    _activity(
        answered,
        created_ago=dt.timedelta(days=99),
        email_out=True,
        mail_state=MailState.SENT,
        sent_at=answered.created_at + dt.timedelta(hours=1),
    )
    call_command("sla_backfill", "--batch-size", "100", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("sla_backfill", stdout=open("/dev/null", "w"))  # noqa: SIM115 - runs twice
    old.refresh_from_db()
    answered.refresh_from_db()
    assert old.response_due_at is not None
    assert old.response_breached_at == old.response_due_at  # recorded quietly
    assert answered.first_response_at == answered.created_at + dt.timedelta(hours=1)
    assert answered.response_breached_at is None
    assert not Notification.objects.filter(kind=Kind.SLA_BREACHED).exists()
