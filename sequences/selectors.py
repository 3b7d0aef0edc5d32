"""Reads of sequences: the lead page's section and the report per sequence."""

from __future__ import annotations

from django.db.models import Count, Exists, F, OuterRef, Q

from activities.models import Activity, ActivityKind, DeliveryStatus, MailState
from leads.models import Lead
from sequences.models import Enrolment, Sequence, StepOutcome, StepRun

OPENED = (DeliveryStatus.OPENED, DeliveryStatus.CLICKED)


def lead_enrolments(lead: Lead, *, limit: int = 5) -> list[Enrolment]:
    """The lead's latest enrolments (the active one first), with sequence and next step."""
    return list(
        Enrolment.objects.filter(lead=lead)
        .select_related("sequence", "next_step", "next_step__template", "started_by")
        .order_by("state", "-started_at", "-id")[:limit]
    )


def enrolable_sequences():
    return Sequence.objects.active().filter(steps__isnull=False).distinct().order_by("name")


def sequence_report() -> list[dict]:
    """Per sequence: enrolled, active, sent, opened, clicked, replied, converted.

    Two grouped queries whatever the number of sequences or leads: enrolments grouped by
    sequence (a reply is an incoming mail on the lead since enrolment; converted: the lead
    was converted after it), and the mail step runs grouped by their enrolment's sequence
    with the mail's delivery state from anymail tracking (`activities.webhooks`)."""
    replied = Activity.objects.filter(
        leads=OuterRef("lead_id"),
        kind=ActivityKind.EMAIL_IN,
        created_at__gte=OuterRef("started_at"),
    )
    enrolments = (
        Enrolment.objects.annotate(replied=Exists(replied))
        .values("sequence_id")
        .annotate(
            enrolled=Count("id"),
            active=Count("id", filter=Q(state="active")),
            replied_count=Count("id", filter=Q(replied=True)),
            converted=Count("id", filter=Q(lead__converted_at__gte=F("started_at"))),
        )
        .order_by()
    )
    by_sequence = {row["sequence_id"]: row for row in enrolments}
    mails = (
        StepRun.objects.filter(outcome=StepOutcome.SENT)
        .values("enrolment__sequence_id")
        .annotate(
            sent=Count("id", filter=Q(activity__mail_state=MailState.SENT)),
            opened=Count("id", filter=Q(activity__delivery_status__in=OPENED)),
            clicked=Count("id", filter=Q(activity__delivery_status=DeliveryStatus.CLICKED)),
        )
        .order_by()
    )
    mail_rows = {row["enrolment__sequence_id"]: row for row in mails}
    rows = []
    for sequence in Sequence.objects.order_by("name"):
        e = by_sequence.get(sequence.pk, {})
        m = mail_rows.get(sequence.pk, {})
        rows.append(
            {
                "sequence": sequence,
                "enrolled": e.get("enrolled", 0),
                "active": e.get("active", 0),
                "sent": m.get("sent", 0),
                "opened": m.get("opened", 0),
                "clicked": m.get("clicked", 0),
                "replied": e.get("replied_count", 0),
                "converted": e.get("converted", 0),
            }
        )
    return rows
