"""Overdue follow-up job (seed 002 "Überschreitung des Nachbetreuungs-Datums")."""

import datetime as dt

import pytest
from django.utils import timezone

from leads.jobs.overdue import overdue_follow_ups_notify
from leads.jobs.tasks import notify_overdue_follow_ups
from notifications.models import Kind, Notification, Priority
from tests.factories import CompanyFactory, LeadFactory, UserFactory, status
from tests.factories.leads import bulk_leads

YESTERDAY = timezone.localdate() - dt.timedelta(days=1)


def overdue_notifications(user=None):
    qs = Notification.objects.filter(kind=Kind.FOLLOW_UP_OVERDUE)
    return qs.filter(recipient=user) if user else qs


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status_name", "notified"),
    [
        ("Offen", True),
        ("Kontaktaufnahme", True),
        ("Kontaktiert", True),
        ("Qualifiziert", True),
        ("Erneut bearbeiten", True),
        ("Geschlossen", False),
        ("Konvertiert", False),
        ("Disqualifiziert", False),
    ],
)
def test_terminal_phases_are_left_out(rep, status_name, notified):
    LeadFactory(follow_up_by=rep, follow_up_until=YESTERDAY, status=status(status_name))

    overdue_follow_ups_notify()

    assert overdue_notifications(rep).count() == (1 if notified else 0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("days_from_today", "notified"),
    [(-30, True), (-1, True), (0, False), (1, False)],
)
def test_only_a_passed_date_is_overdue(rep, days_from_today, notified):
    due = timezone.localdate() + dt.timedelta(days=days_from_today)
    LeadFactory(follow_up_by=rep, follow_up_until=due)

    overdue_follow_ups_notify()

    assert overdue_notifications(rep).exists() is notified


@pytest.mark.django_db
def test_lead_without_owner_or_date_notifies_nobody(rep):
    LeadFactory(follow_up_by=None, follow_up_until=YESTERDAY)
    LeadFactory(follow_up_by=rep, follow_up_until=None)

    result = overdue_follow_ups_notify()

    assert result.candidates == 0
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_names_the_customer_when_set_else_the_company(rep):
    customer = CompanyFactory(name="Sonnenstrom Bayern GmbH")
    with_customer = LeadFactory(
        follow_up_by=rep, follow_up_until=YESTERDAY, customer=customer, company_name="Alt AG"
    )
    without = LeadFactory(follow_up_by=rep, follow_up_until=YESTERDAY, company_name="Windpark Nord")

    overdue_follow_ups_notify()

    by_lead = {n.object_id: n for n in overdue_notifications(rep)}
    assert "Sonnenstrom Bayern GmbH" in by_lead[with_customer.pk].display_title
    assert "Alt AG" not in by_lead[with_customer.pk].display_title
    assert "Windpark Nord" in by_lead[without.pk].display_title


@pytest.mark.django_db
def test_notification_fields(rep):
    lead = LeadFactory(follow_up_by=rep, follow_up_until=YESTERDAY, company_name="Windpark Nord")

    overdue_follow_ups_notify()

    notification = overdue_notifications(rep).get()
    assert notification.priority == Priority.A
    assert notification.entity == lead
    assert notification.dedupe_key == f"overdue:{lead.pk}:{YESTERDAY.isoformat()}"
    assert YESTERDAY.strftime("%d.%m.%Y") in notification.display_text
    assert lead.number in notification.display_text


@pytest.mark.django_db
def test_merged_and_anonymised_leads_are_left_out(rep):
    target = LeadFactory(follow_up_by=rep, follow_up_until=None)
    LeadFactory(follow_up_by=rep, follow_up_until=YESTERDAY, merged_into=target)
    LeadFactory(follow_up_by=rep, follow_up_until=YESTERDAY, anonymised_at=timezone.now())

    overdue_follow_ups_notify()

    assert not overdue_notifications().exists()


@pytest.mark.smoke
@pytest.mark.django_db
def test_running_twice_notifies_once_per_lead_and_date(rep, teammate):
    bulk_leads(30, follow_up_by=rep, follow_up_until=YESTERDAY)
    bulk_leads(20, follow_up_by=teammate, follow_up_until=YESTERDAY)

    first = overdue_follow_ups_notify(batch_size=7)  # several pages
    second = overdue_follow_ups_notify(batch_size=7)
    notify_overdue_follow_ups.delay()  # the scheduled task (eager in tests)

    assert first.created == 50
    assert first.batches == 8
    assert second.candidates == 0 and second.created == 0
    assert overdue_notifications(rep).count() == 30
    assert overdue_notifications(teammate).count() == 20


@pytest.mark.django_db
def test_a_new_due_date_notifies_again(rep):
    lead = LeadFactory(follow_up_by=rep, follow_up_until=YESTERDAY - dt.timedelta(days=5))
    overdue_follow_ups_notify()

    lead.follow_up_until = YESTERDAY
    lead.save()
    overdue_follow_ups_notify()
    overdue_follow_ups_notify()

    assert overdue_notifications(rep).count() == 2


@pytest.mark.django_db
def test_a_new_owner_is_notified_for_the_same_date(rep, teammate):
    lead = LeadFactory(follow_up_by=rep, follow_up_until=YESTERDAY)
    overdue_follow_ups_notify()

    lead.follow_up_by = teammate
    lead.save()
    overdue_follow_ups_notify()

    assert overdue_notifications(rep).count() == 1
    assert overdue_notifications(teammate).count() == 1


@pytest.mark.django_db
def test_query_count_does_not_grow_with_leads(django_assert_max_num_queries):
    owner = UserFactory()
    bulk_leads(10, follow_up_by=owner, follow_up_until=YESTERDAY)
    with django_assert_max_num_queries(8):
        overdue_follow_ups_notify()
    bulk_leads(200, follow_up_by=owner, follow_up_until=YESTERDAY)
    with django_assert_max_num_queries(8):
        overdue_follow_ups_notify()
    assert overdue_notifications(owner).count() == 210
