"""Stale-lead flag and weekly digest, retention (GDPR) and the daily digest e-mail."""

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from leads.jobs.stale import stale_digests_send, stale_leads_flag
from leads.models import ConsentAction, ConsentRecord, Lead
from notifications.digest import daily_digests_send
from notifications.models import Kind, Notification, Priority
from notifications.tasks import send_daily_digests
from privacy.retention import retention_apply
from tests.factories import LeadFactory, UserFactory, interest, source, status

NOW = timezone.now()


def age(lead, *, updated_days=0, activity_days=None):
    """Backdate a lead (QuerySet.update does not touch auto_now)."""
    Lead.objects.filter(pk=lead.pk).update(
        updated_at=NOW - dt.timedelta(days=updated_days),
        last_activity_at=(
            None if activity_days is None else NOW - dt.timedelta(days=activity_days)
        ),
    )


def stale_ids():
    return set(Lead.objects.filter(is_stale=True).values_list("pk", flat=True))


# --------------------------------------------------------------------------- stale


@pytest.mark.django_db
def test_stale_flag_follows_the_rule(settings, rep):
    settings.LEADCRM = {**settings.LEADCRM, "STALE_AFTER_DAYS": 30}
    old = LeadFactory(follow_up_by=rep)
    old_with_recent_activity = LeadFactory(follow_up_by=rep)
    old_with_old_activity = LeadFactory(follow_up_by=rep)
    fresh = LeadFactory(follow_up_by=rep)
    old_closed = LeadFactory(follow_up_by=rep, status=status("Geschlossen"))
    age(old, updated_days=31)
    age(old_with_recent_activity, updated_days=40, activity_days=2)
    age(old_with_old_activity, updated_days=40, activity_days=35)
    age(fresh, updated_days=29)
    age(old_closed, updated_days=90)

    result = stale_leads_flag()

    assert stale_ids() == {old.pk, old_with_old_activity.pk}
    assert result == {"flagged": 2, "unflagged": 0}
    assert stale_leads_flag() == {"flagged": 0, "unflagged": 0}
    # flagging did not make them fresh
    old.refresh_from_db()
    assert old.updated_at < NOW - dt.timedelta(days=30)

    age(old, updated_days=0)
    assert stale_leads_flag() == {"flagged": 0, "unflagged": 1}
    assert stale_ids() == {old_with_old_activity.pk}


@pytest.mark.django_db
def test_weekly_stale_digest_once_per_owner_and_week(rep, teammate):
    for owner, n in ((rep, 3), (teammate, 1)):
        for _ in range(n):
            lead = LeadFactory(follow_up_by=owner)
            age(lead, updated_days=400)
    stale_leads_flag()
    monday = dt.date(2026, 11, 23)

    first = stale_digests_send(today=monday)
    stale_digests_send(today=monday + dt.timedelta(days=3))  # same ISO week
    stale_digests_send(today=monday + dt.timedelta(days=7))  # next week

    assert first["owners"] == 2
    digests = Notification.objects.filter(kind=Kind.STALE_DIGEST)
    assert digests.filter(recipient=rep).count() == 2
    assert digests.filter(recipient=teammate).count() == 2
    assert digests.filter(recipient=rep).first().display_title == "3 veraltete Leads"
    assert digests.filter(recipient=teammate).first().display_title == "1 veralteter Lead"


# --------------------------------------------------------------------------- retention


def retention_setup(settings):
    settings.LEADCRM = {**settings.LEADCRM, "RETENTION_DAYS": 730}
    due = LeadFactory(
        first_name="Maria",
        last_name="Muster",
        email="maria.muster@example.de",
        notes="Privatnummer notiert",
        utm_term="solar",
        referrer="https://suche.example/?q=maria",
        source=source("Messe"),
        score=42,
        interests=[interest("Windkraft")],
    )
    due.business_card.save("karte.png", ContentFile(b"\x89PNG fake"), save=True)
    due.last_name = "Muster-Meier"  # a second history row with personal data
    due.save()
    ConsentRecord.objects.create(
        lead=due, action=ConsentAction.CONFIRMED, email=due.email, ip_address="203.0.113.7"
    )
    converted = LeadFactory(first_name="Karl", converted_at=NOW - dt.timedelta(days=900))
    recent = LeadFactory(first_name="Rita")
    worked_on = LeadFactory(first_name="Wilma")
    age(due, updated_days=731)
    age(converted, updated_days=1000)
    age(recent, updated_days=700)
    age(worked_on, updated_days=800, activity_days=100)
    return due, converted, recent


@pytest.mark.django_db
def test_retention_dry_run_lists_and_changes_nothing(settings):
    due, converted, recent = retention_setup(settings)
    out = StringIO()

    call_command("apply_retention", "--dry-run", stdout=out)

    text = out.getvalue()
    assert due.number in text
    assert converted.number not in text and recent.number not in text
    assert "1 Leads würden anonymisiert" in text
    due.refresh_from_db()
    assert due.first_name == "Maria" and due.anonymised_at is None
    assert default_storage.exists(due.business_card.name)


@pytest.mark.smoke
@pytest.mark.django_db
def test_retention_real_run_anonymises_and_keeps_statistics(settings):
    due, converted, recent = retention_setup(settings)
    card = due.business_card.name
    out = StringIO()

    call_command("apply_retention", stdout=out)

    assert "1 Leads anonymisiert" in out.getvalue()
    due.refresh_from_db()
    assert due.anonymised_at is not None
    for name in ("first_name", "last_name", "email", "notes", "utm_term", "referrer", "street"):
        assert getattr(due, name) == "", name
    assert not due.business_card
    assert not default_storage.exists(card)
    # statistics stay
    assert due.source == source("Messe")
    assert due.score == 42
    assert list(due.interests.all()) == [interest("Windkraft")]
    assert due.status_id is not None and due.created_at is not None
    # the history no longer tells who it was
    history = list(due.history.all())
    assert len(history) >= 2
    assert all(h.first_name == "" and h.last_name == "" and h.email == "" for h in history)
    consent = ConsentRecord.objects.get(lead=due)
    assert consent.email == "" and consent.ip_address is None
    assert consent.action == ConsentAction.CONFIRMED
    # the others are untouched
    converted.refresh_from_db()
    recent.refresh_from_db()
    assert converted.first_name == "Karl" and recent.first_name == "Rita"
    assert Lead.objects.filter(first_name="Wilma", anonymised_at__isnull=True).exists()
    # a rerun has nothing left to do
    assert retention_apply().count == 0


# --------------------------------------------------------------------------- daily digest


def unread_a(user, n, **kwargs):
    for i in range(n):
        Notification.objects.create(
            recipient=user, title=f"Wichtig {i}", priority=Priority.A, **kwargs
        )


@pytest.mark.django_db
def test_daily_digest_once_per_day_to_opted_in_users():
    keen = UserFactory(daily_digest=True, email="keen@vertrieb.example.de")
    nothing_new = UserFactory(daily_digest=True)
    not_opted = UserFactory(daily_digest=False)
    unread_a(keen, 3)
    unread_a(not_opted, 2)
    Notification.objects.create(recipient=keen, title="Nur B", priority=Priority.B)
    Notification.objects.create(
        recipient=keen, title="Gelesen", priority=Priority.A, read_at=timezone.now()
    )
    Notification.objects.create(recipient=nothing_new, title="Nur C", priority=Priority.C)
    day = timezone.localdate()

    first = daily_digests_send(day=day)
    send_daily_digests.delay()  # the scheduled task, same day
    tomorrow = daily_digests_send(day=day + dt.timedelta(days=1))

    assert first.sent == 1 and first.skipped_empty == 1
    assert tomorrow.sent == 1
    assert len(mail.outbox) == 2
    message = mail.outbox[0]
    assert message.to == ["keen@vertrieb.example.de"]
    assert "3 ungelesene" in message.subject
    assert "Wichtig 0" in message.body and "Wichtig 2" in message.body
    assert "Nur B" not in message.body and "Gelesen" not in message.body
    # the send record does not show up as unread in the bell
    assert not Notification.objects.unread().filter(kind=Kind.SYSTEM).exists()


@pytest.mark.django_db
def test_daily_digest_failed_send_is_retried(settings):
    user = UserFactory(daily_digest=True)
    unread_a(user, 1)
    settings.EMAIL_BACKEND = "tests.leads.test_jobs_stale_retention_digest.FailingBackend"

    with pytest.raises(ConnectionError):
        daily_digests_send()
    assert not Notification.objects.filter(kind=Kind.SYSTEM).exists()

    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    assert daily_digests_send().sent == 1


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionError("SMTP down")
