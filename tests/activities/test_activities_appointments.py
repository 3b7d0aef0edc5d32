"""Appointment sync on lead save (seed 002) and who gets notified."""

import datetime as dt

import pytest

from activities.models import Activity, ActivityKind, ActivityStatus
from leads.services.appointments import AMBIGUOUS_WARNING, lead_sync_appointment
from notifications.models import Notification, Priority
from tests.factories import ActivityFactory, LeadFactory
from tests.factories.activities import lead_with_appointment, planned

pytestmark = pytest.mark.django_db


@pytest.mark.smoke
def test_creates_linked_appointment_for_colleague_and_notifies_them(rep, teammate):
    lead = lead_with_appointment(appointment_with=teammate, notes="Hallendach 800 m²")

    warnings = lead_sync_appointment(lead=lead, user=rep)

    assert warnings == []
    lead.refresh_from_db()
    appt = lead.appointment
    assert appt.kind == ActivityKind.APPOINTMENT
    assert (appt.start, appt.end) == (lead.planned_start, lead.planned_end)
    assert appt.delegated_to == teammate and appt.delegated_by == rep
    assert appt.created_by == rep
    assert appt.body == "Hallendach 800 m²"
    assert appt.person.last_name == "Schulz"
    assert appt.subject.startswith("Termin: ")
    assert list(lead.activities.all()) == [appt]
    note = Notification.objects.get(recipient=teammate)
    assert note.priority == Priority.A and note.kind == "appointment_created"
    assert note.entity == appt
    assert note.url == f"/aktivitaeten/{appt.pk}/"


def test_no_notification_when_creator_is_the_delegated_user(rep):
    lead = lead_with_appointment(appointment_with=rep)
    lead_sync_appointment(lead=lead, user=rep)
    assert Activity.objects.appointments().count() == 1
    assert not Notification.objects.exists()


@pytest.mark.parametrize("missing", ["planned_start", "planned_end", "appointment_with"])
def test_nothing_without_all_three_fields(rep, teammate, missing):
    lead = lead_with_appointment(appointment_with=teammate)
    setattr(lead, missing, None)
    assert lead_sync_appointment(lead=lead, user=rep) == []
    assert not Activity.objects.exists()


def test_time_change_updates_and_notifies_delegated_user(rep, teammate):
    lead = lead_with_appointment(appointment_with=teammate)
    lead_sync_appointment(lead=lead, user=teammate)  # created by teammate: no notification
    assert not Notification.objects.exists()
    new_start, new_end = planned(hours_from_now=72)
    lead.planned_start, lead.planned_end = new_start, new_end

    assert lead_sync_appointment(lead=lead, user=rep) == []

    appt = Activity.objects.get()
    assert (appt.start, appt.end) == (new_start, new_end)
    assert appt.updated_by == rep
    note = Notification.objects.get(recipient=teammate)
    assert "geändert" in note.display_title and note.priority == Priority.A


def test_change_by_delegated_user_does_not_notify_them(rep, teammate):
    lead = lead_with_appointment(appointment_with=teammate)
    lead_sync_appointment(lead=lead, user=teammate)
    lead.planned_end = lead.planned_end + dt.timedelta(minutes=30)
    lead_sync_appointment(lead=lead, user=teammate)
    assert not Notification.objects.exists()


def test_user_change_moves_the_appointment_to_the_new_user(rep, teammate, manager):
    lead = lead_with_appointment(appointment_with=teammate)
    lead_sync_appointment(lead=lead, user=rep)
    lead.appointment_with = manager
    lead_sync_appointment(lead=lead, user=rep)
    appt = Activity.objects.get()
    assert appt.delegated_to == manager
    assert Notification.objects.filter(recipient=manager, kind="appointment_changed").exists()


def test_unchanged_save_touches_nothing(rep, teammate):
    lead = lead_with_appointment(appointment_with=teammate)
    lead_sync_appointment(lead=lead, user=rep)
    version = Activity.objects.get().version
    lead_sync_appointment(lead=lead, user=rep)
    assert Activity.objects.get().version == version
    assert Notification.objects.count() == 1


def test_new_time_puts_a_cancelled_appointment_back_on(rep, teammate):
    lead = lead_with_appointment(appointment_with=teammate)
    lead_sync_appointment(lead=lead, user=rep)
    Activity.objects.update(status=ActivityStatus.CANCELLED)
    lead.appointment_with = rep  # only the user changes: it stays cancelled
    lead_sync_appointment(lead=lead, user=rep)
    assert Activity.objects.get().status == ActivityStatus.CANCELLED
    lead.planned_start += dt.timedelta(days=1)
    lead.planned_end += dt.timedelta(days=1)
    lead_sync_appointment(lead=lead, user=rep)
    appt = Activity.objects.get()
    assert appt.status == ActivityStatus.OPEN and appt.start == lead.planned_start


def test_deleted_appointment_gives_warning_and_creates_nothing(rep, teammate):
    lead = lead_with_appointment(appointment_with=teammate)
    lead_sync_appointment(lead=lead, user=rep)
    lead.refresh_from_db()
    lead.appointment.delete()
    lead.refresh_from_db()
    lead.planned_start, lead.planned_end = planned(hours_from_now=96)

    warnings = lead_sync_appointment(lead=lead, user=rep)

    assert warnings == [str(AMBIGUOUS_WARNING)]
    assert "nicht eindeutig identifiziert" in warnings[0]
    assert not Activity.objects.exists()


def test_several_candidate_appointments_give_warning(rep, teammate):
    lead = lead_with_appointment(appointment_with=teammate)
    lead.activities.add(ActivityFactory(appointment=True), ActivityFactory(appointment=True))
    warnings = lead_sync_appointment(lead=lead, user=rep)
    assert len(warnings) == 1
    assert Activity.objects.count() == 2


def test_lead_without_appointment_fields_keeps_no_activity(rep):
    lead = LeadFactory()
    assert lead_sync_appointment(lead=lead, user=rep) == []
    assert not lead.activities.exists()
