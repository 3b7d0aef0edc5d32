"""Run the due steps of all active enrolments (beat, every few minutes).

Every run re-derives its work from the database: the due enrolments are claimed in
batches with SELECT … FOR UPDATE SKIP LOCKED (a second worker running at the same time
takes other rows, never waits for these), each enrolment is handled in its own
savepoint, and `StepRun` is unique per (enrolment, step), so a step runs exactly once
however often the job runs. What a step writes (the mail activity in the outbox, the
task) commits with its StepRun and the enrolment's advance, or not at all. If the broker
is down, beat and the workers wait; the due rows stay due and the next run takes them.

Before each step the stop rules are read (`Enrolment.stop_reason_from_flags`), so a reply,
a booked appointment, a terminal status or an opt-out stops the enrolment even without
inbound mail processing. A mail goes out only with a confirmed double opt-in; without one
the step is logged as skipped and the sequence goes on (the owner's tasks still help).
While the owner is absent (`User.is_absent`) the enrolment waits for their return.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict, dataclass

from django.db import transaction
from django.utils import timezone

from activities.mail import MailTemplateError
from sequences.mailing import recipient, step_mail_create, step_task_create
from sequences.models import (
    Enrolment,
    EnrolmentState,
    SequenceStep,
    StepKind,
    StepOutcome,
    StepRun,
    StopReason,
    consent_refusal,
)
from sequences.services import enrolment_stop
from sequences.workdays import after_wait, at_send_hour, earliest_run, next_working_day

log = logging.getLogger(__name__)
BATCH_SIZE = 200
MAX_BATCHES = 50  # bounded work per run; the rest is due in the next one


@dataclass
class RunResult:
    enrolments: int = 0
    steps: int = 0
    mails: int = 0
    tasks: int = 0
    skipped: int = 0
    stopped: int = 0
    finished: int = 0
    postponed: int = 0
    failed: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def due_batch(now: dt.datetime, size: int) -> list[Enrolment]:
    return list(
        Enrolment.objects.due(now)
        .filter(sequence__active=True)
        .with_stop_flags()
        .select_related("lead", "lead__status", "lead__follow_up_by", "sequence", "started_by")
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("next_run_at", "id")[:size]
    )


def steps_by_sequence(batch: list[Enrolment]) -> dict[int, list[SequenceStep]]:
    """All steps of the batch's sequences in one query, in order."""
    steps: dict[int, list[SequenceStep]] = {}
    sequence_ids = {e.sequence_id for e in batch}
    for step in SequenceStep.objects.filter(sequence_id__in=sequence_ids).select_related(
        "template"
    ):
        steps.setdefault(step.sequence_id, []).append(step)
    for rows in steps.values():
        rows.sort(key=lambda s: (s.position, s.id))
    return steps


def run_due_steps(
    *, now: dt.datetime | None = None, batch_size: int = BATCH_SIZE, max_batches: int = MAX_BATCHES
) -> RunResult:
    result = RunResult()
    for _batch in range(max_batches):
        current = now or timezone.now()
        with transaction.atomic():
            batch = due_batch(current, batch_size)
            steps = steps_by_sequence(batch)
            for enrolment in batch:
                result.enrolments += 1
                try:
                    with transaction.atomic():
                        advance(enrolment, steps.get(enrolment.sequence_id, []), current, result)
                except MailTemplateError as exc:
                    _fail(enrolment, exc.message, result)
                except Exception as exc:  # one broken lead must not stop the others
                    log.exception("Sequence step of enrolment %s failed", enrolment.pk)
                    _fail(enrolment, str(exc), result)
        if len(batch) < batch_size:
            break
    return result


def _fail(enrolment: Enrolment, message: str, result: RunResult) -> None:
    enrolment_stop(enrolment=enrolment, reason=StopReason.ERROR, detail=message)
    result.failed += 1


def _following(steps: list[SequenceStep], step: SequenceStep) -> SequenceStep | None:
    for candidate in steps:
        if (candidate.position, candidate.id) > (step.position, step.id):
            return candidate
    return None


def _owner(enrolment: Enrolment):
    return enrolment.lead.follow_up_by or enrolment.started_by


def _postpone_until(enrolment: Enrolment, now: dt.datetime) -> dt.datetime | None:
    """When a mail/task step may run if not now: outside working time, or while the
    owner is absent (then on their first working day back)."""
    owner = enrolment.lead.follow_up_by
    today = timezone.localtime(now).date()
    if owner is not None and owner.is_absent(today):
        return at_send_hour(next_working_day(owner.absent_until + dt.timedelta(days=1)))
    start = earliest_run(now)
    return start if start > now else None


def advance(
    enrolment: Enrolment, steps: list[SequenceStep], now: dt.datetime, result: RunResult
) -> None:
    """Run the enrolment's due steps up to the next wait (or its end)."""
    reason = enrolment.stop_reason_from_flags()
    if reason:
        enrolment_stop(enrolment=enrolment, reason=reason)
        result.stopped += 1
        return
    step = next((s for s in steps if s.pk == enrolment.next_step_id), None)
    for _guard in range(len(steps) + 1):
        if step is None:
            _finish(enrolment, now, result)
            return
        if step.kind != StepKind.WAIT:
            later = _postpone_until(enrolment, now)
            if later is not None:
                Enrolment.objects.filter(pk=enrolment.pk).update(next_step=step, next_run_at=later)
                result.postponed += 1
                return
        if not StepRun.objects.filter(enrolment=enrolment, step=step).exists():
            run_step(enrolment, step, now, result)
        following = _following(steps, step)
        if step.kind == StepKind.WAIT:
            Enrolment.objects.filter(pk=enrolment.pk).update(
                next_step=following, next_run_at=after_wait(now, step.wait_days)
            )
            return
        step = following
    _finish(enrolment, now, result)


def _finish(enrolment: Enrolment, now: dt.datetime, result: RunResult) -> None:
    Enrolment.objects.filter(pk=enrolment.pk).update(
        state=EnrolmentState.FINISHED, next_step=None, next_run_at=None, ended_at=now
    )
    result.finished += 1


def run_step(enrolment: Enrolment, step: SequenceStep, now: dt.datetime, result) -> StepRun:
    """Do what the step says and log it (the unique StepRun commits with it)."""
    activity = None
    if step.kind == StepKind.MAIL:
        contact, address = recipient(enrolment.lead)
        if consent_refusal(getattr(enrolment, "consent_action", None)):
            outcome = StepOutcome.NO_CONSENT
            result.skipped += 1
        elif not address:
            outcome = StepOutcome.NO_ADDRESS
            result.skipped += 1
        else:
            activity = step_mail_create(
                enrolment=enrolment,
                step=step,
                contact=contact,
                address=address,
                sender=_owner(enrolment),
            )
            outcome = StepOutcome.SENT
            result.mails += 1
    elif step.kind == StepKind.WAIT:
        outcome = StepOutcome.WAITED
    else:
        activity = step_task_create(enrolment=enrolment, step=step, owner=_owner(enrolment))
        outcome = StepOutcome.TASK
        result.tasks += 1
    result.steps += 1
    return StepRun.objects.create(
        enrolment=enrolment, step=step, outcome=outcome, activity=activity, ran_at=now
    )
