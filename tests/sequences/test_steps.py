"""The step job: exactly once, safe twice or concurrently, consent, stops, absence."""

import datetime as dt
import threading

import pytest
from django.db import connection

from activities.models import Activity, ActivityKind, MailState
from leads.models import ConsentAction
from sequences.jobs.steps import run_due_steps
from sequences.models import Enrolment, EnrolmentState, StepOutcome, StepRun, StopReason
from sequences.workdays import add_working_days
from tests.factories.activities import ActivityFactory
from tests.factories.base import status
from tests.sequences.conftest import consent, monday_10

pytestmark = pytest.mark.django_db


def mails(lead):
    return lead.activities.filter(kind=ActivityKind.EMAIL_OUT)


def test_first_run_sends_mail_and_starts_the_wait(enrolment, lead):
    now = monday_10()
    result = run_due_steps(now=now)
    assert result.mails == 1
    enrolment.refresh_from_db()
    assert enrolment.next_step.position == 3
    assert enrolment.next_run_at.date() == now.date() + dt.timedelta(days=2)  # Mon → Wed
    mail = mails(lead).get()
    assert mail.mail_state in (MailState.QUEUED, MailState.SENT)
    assert "abmelden" in mail.body and mail.subject == f"Ihre Anfrage, {lead.last_name}"


def test_running_twice_runs_each_step_once(enrolment, lead):
    now = monday_10()
    run_due_steps(now=now)
    run_due_steps(now=now)
    assert StepRun.objects.filter(enrolment=enrolment).count() == 2  # mail + wait
    assert mails(lead).count() == 1
    # after the wait: the call reminder, once, then the sequence is finished
    later = monday_10(weeks=2)
    run_due_steps(now=later)
    run_due_steps(now=later)
    enrolment.refresh_from_db()
    assert enrolment.state == EnrolmentState.FINISHED
    tasks = lead.activities.filter(kind=ActivityKind.TASK)
    assert tasks.count() == 1
    assert tasks.get().delegated_to == lead.follow_up_by


def test_a_stored_step_run_is_not_repeated(enrolment, lead):
    """A step that already ran (e.g. the job died after the commit) is only advanced past."""
    run_due_steps(now=monday_10())
    Enrolment.objects.filter(pk=enrolment.pk).update(
        next_step=enrolment.sequence.steps.get(position=1), next_run_at=monday_10()
    )
    run_due_steps(now=monday_10())
    assert mails(lead).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_send_once(sequence, rep):
    from sequences.services import enrolment_start
    from tests.factories.leads import LeadFactory

    leads = [LeadFactory(follow_up_by=rep) for _ in range(6)]
    for lead in leads:
        consent(lead)
        enrolment_start(lead=lead, sequence=sequence, user=rep)
    now = monday_10()
    barrier = threading.Barrier(2)
    errors = []

    def worker():
        try:
            barrier.wait()
            run_due_steps(now=now, batch_size=2)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert StepRun.objects.filter(outcome=StepOutcome.SENT).count() == 6
    assert Activity.objects.filter(kind=ActivityKind.EMAIL_OUT).count() == 6


def test_without_double_opt_in_the_mail_is_skipped(sequence, rep):
    from sequences.services import enrolment_start
    from tests.factories.leads import LeadFactory

    lead = LeadFactory(follow_up_by=rep)
    consent(lead, ConsentAction.REQUESTED)  # asked, never confirmed
    enrolment = enrolment_start(lead=lead, sequence=sequence, user=rep)
    run_due_steps(now=monday_10())
    assert not mails(lead).exists()
    assert enrolment.runs.get(step__position=1).outcome == StepOutcome.NO_CONSENT
    enrolment.refresh_from_db()
    assert enrolment.state == EnrolmentState.ACTIVE  # the owner's call still follows


def test_opt_out_stops_before_the_mail(enrolment, lead):
    consent(lead, ConsentAction.WITHDRAWN)
    run_due_steps(now=monday_10())
    enrolment.refresh_from_db()
    assert (enrolment.state, enrolment.stop_reason) == (
        EnrolmentState.STOPPED,
        StopReason.UNSUBSCRIBED,
    )
    assert not mails(lead).exists()


def test_opt_out_under_the_same_address_on_another_lead_counts(enrolment, lead):
    from tests.factories.leads import LeadFactory

    other = LeadFactory(email=lead.email.upper())
    consent(other, ConsentAction.WITHDRAWN)
    run_due_steps(now=monday_10())
    enrolment.refresh_from_db()
    assert enrolment.stop_reason == StopReason.UNSUBSCRIBED


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        ("reply", StopReason.REPLY),
        ("appointment", StopReason.APPOINTMENT),
        ("terminal", StopReason.TERMINAL),
    ],
)
def test_stop_conditions(enrolment, lead, event, reason):
    if event == "reply":
        lead.activities.add(ActivityFactory(kind=ActivityKind.EMAIL_IN, subject="Re: Anfrage"))
    elif event == "appointment":
        lead.activities.add(ActivityFactory(appointment=True))
    else:
        lead.status = status("Disqualifiziert")
        lead.save()
    run_due_steps(now=monday_10())
    enrolment.refresh_from_db()
    assert (enrolment.state, enrolment.stop_reason) == (EnrolmentState.STOPPED, reason)
    assert not mails(lead).exists()


def test_a_reply_before_enrolment_does_not_stop(sequence, rep, lead):
    from sequences.services import enrolment_start

    lead.activities.add(ActivityFactory(kind=ActivityKind.EMAIL_IN, subject="Alte Mail"))
    enrolment = enrolment_start(lead=lead, sequence=sequence, user=rep)
    run_due_steps(now=monday_10())
    enrolment.refresh_from_db()
    assert enrolment.state == EnrolmentState.ACTIVE and mails(lead).count() == 1


def test_owner_absence_postpones_to_their_return(enrolment, lead, rep):
    now = monday_10()
    rep.absent_from, rep.absent_until = now.date(), now.date() + dt.timedelta(days=2)
    rep.save()
    result = run_due_steps(now=now)
    assert result.postponed == 1 and not mails(lead).exists()
    enrolment.refresh_from_db()
    assert enrolment.next_run_at.date() == now.date() + dt.timedelta(days=3)  # Thursday


def test_weekend_is_not_a_working_day():
    friday = dt.date(2026, 12, 4)
    assert add_working_days(friday, 1) == dt.date(2026, 12, 7)
    assert add_working_days(friday, 3) == dt.date(2026, 12, 9)


def test_inactive_sequence_pauses(enrolment, lead, sequence):
    sequence.active = False
    sequence.save()
    run_due_steps(now=monday_10())
    enrolment.refresh_from_db()
    assert enrolment.state == EnrolmentState.ACTIVE and not mails(lead).exists()


def test_broken_template_stops_with_the_error_not_the_job(enrolment, lead, template):
    template.body = "{{ nicht_da }}"
    template.save()
    result = run_due_steps(now=monday_10())
    assert result.failed == 1
    enrolment.refresh_from_db()
    assert enrolment.stop_reason == StopReason.ERROR and "nicht_da" in enrolment.stop_detail
