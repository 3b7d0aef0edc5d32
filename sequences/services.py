"""Writes of sequences: enrol a lead (by hand, in bulk), stop an enrolment.

Who may enrol or stop is `can_edit_lead` (the rep responsible for the lead, managers,
admins); the bulk view checks it per lead. A lead is in at most one active sequence
(the partial unique index `enrolment_one_active`), so a double click, a bulk action over
leads already enrolled and the rule job running at the same time cannot enrol it twice.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from leads.models import Lead
from sequences.models import (
    Enrolment,
    EnrolmentState,
    Sequence,
    SequenceStep,
    StopReason,
)
from sequences.workdays import earliest_run

BULK_BATCH = 2000


class SequenceError(Exception):
    """A refused enrolment or stop; the German message is shown to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = str(message)


def first_step(sequence: Sequence) -> SequenceStep | None:
    return sequence.steps.order_by("position", "id").first()


def enrolment_refusal(*, lead: Lead, sequence: Sequence) -> str:
    """Why the lead cannot join the sequence now, or ""."""
    if not sequence.active:
        return _("Die Sequenz „%(name)s“ ist nicht aktiv.") % {"name": sequence.name}
    if lead.is_terminal:
        return _("Der Lead ist abgeschlossen und kann keine Sequenz mehr durchlaufen.")
    if lead.merged_into_id or lead.anonymised_at:
        return _("Der Lead ist zusammengeführt oder anonymisiert.")
    return ""


@transaction.atomic
def enrolment_start(*, lead: Lead, sequence: Sequence, user) -> Enrolment:
    """Enrol the lead; its first step is due at once (on a working day)."""
    refusal = enrolment_refusal(lead=lead, sequence=sequence)
    if refusal:
        raise SequenceError(refusal)
    step = first_step(sequence)
    if step is None:
        raise SequenceError(_("Die Sequenz „%(name)s“ hat keine Schritte.") % {"name": sequence})
    now = timezone.now()
    try:
        with transaction.atomic():
            return Enrolment.objects.create(
                lead=lead,
                sequence=sequence,
                next_step=step,
                next_run_at=earliest_run(now),
                started_by=user,
                started_at=now,
            )
    except IntegrityError as exc:  # enrolment_one_active: already in a sequence
        current = Enrolment.objects.active().filter(lead=lead).select_related("sequence").first()
        name = current.sequence.name if current else "?"
        raise SequenceError(
            _("Der Lead ist bereits in der Sequenz „%(name)s“.") % {"name": name}
        ) from exc


@transaction.atomic
def enrolment_stop(*, enrolment: Enrolment, reason: str, detail: str = "") -> bool:
    """Stop an active enrolment with `reason`; False if it was no longer active."""
    stopped = Enrolment.objects.filter(pk=enrolment.pk, state=EnrolmentState.ACTIVE).update(
        state=EnrolmentState.STOPPED,
        stop_reason=reason,
        stop_detail=detail[:300],
        next_run_at=None,
        ended_at=timezone.now(),
    )
    if stopped:
        enrolment.refresh_from_db()
    return bool(stopped)


def enrolment_stop_by_user(*, enrolment: Enrolment, user) -> bool:
    name = (user.get_full_name() or user.username) if user else ""
    return enrolment_stop(enrolment=enrolment, reason=StopReason.MANUAL, detail=name)


def enrolable(leads):
    """The leads of `leads` that may join a sequence: open, not merged or anonymised, not
    in an active enrolment (the same conditions as `enrolment_refusal`, set-based)."""
    in_sequence = Enrolment.objects.active().filter(lead=OuterRef("pk"))
    return (
        leads.open()
        .filter(merged_into__isnull=True, anonymised_at__isnull=True)
        .exclude(Exists(in_sequence))
    )


def enrol_many(*, sequence: Sequence, lead_ids: Iterable[int], user) -> int:
    """Enrol many leads set-based (bulk action, rule job); returns how many joined.

    Leads that cannot join are left out in SQL; the unique index turns a lead enrolled
    meanwhile into a skipped row (ON CONFLICT DO NOTHING)."""
    if not sequence.active:
        raise SequenceError(_("Die Sequenz „%(name)s“ ist nicht aktiv.") % {"name": sequence.name})
    step = first_step(sequence)
    if step is None:
        raise SequenceError(_("Die Sequenz „%(name)s“ hat keine Schritte.") % {"name": sequence})
    ids = list(lead_ids)
    created = 0
    for start in range(0, len(ids), BULK_BATCH):
        chunk = ids[start : start + BULK_BATCH]
        with transaction.atomic():
            now = timezone.now()
            ready = enrolable(Lead.objects.filter(pk__in=chunk)).values_list("pk", flat=True)
            rows = [
                Enrolment(
                    lead_id=pk,
                    sequence=sequence,
                    next_step=step,
                    next_run_at=earliest_run(now),
                    started_by=user,
                    started_at=now,
                )
                for pk in ready
            ]
            Enrolment.objects.bulk_create(rows, ignore_conflicts=True)
            created += Enrolment.objects.filter(
                sequence=sequence, started_at=now, lead_id__in=chunk
            ).count()
    return created
