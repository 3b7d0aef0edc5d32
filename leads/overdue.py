"""Overdue follow-ups (seed 002 "Überschreitung des Nachbetreuungs-Datums").

When "Nachbetreuung bis" has passed, the user in "Nachbetreuung durch" gets one
notification naming the Geschäftspartner (or else the Unternehmen). Leads in a terminal
phase (Geschlossen, Konvertiert, Disqualifiziert), merged and anonymised leads are left out.

The job is set-based so that a million leads with tens of thousands overdue take seconds:
the candidates are read in id-ordered pages of plain values (no model instances, no query
per lead), leads already notified for this due date are skipped in SQL (NOT EXISTS on the
dedupe key), and the rest go in with one bulk INSERT … ON CONFLICT DO NOTHING per page. The
partial unique index (recipient, dedupe_key) is the real guarantee of "exactly one per lead
and due date": a rerun, a retry or two workers running at once cannot create a second one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from contacts.models import LeadStatus
from leads.models import Lead
from notifications.models import Kind, Notification, Priority

BATCH_SIZE = 5000
_URL_SENTINEL = 987654321


@dataclass
class OverdueResult:
    today: str
    candidates: int = 0
    created: int = 0
    batches: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def overdue_dedupe_key(lead_id: int, follow_up_until: dt.date) -> str:
    return f"overdue:{lead_id}:{follow_up_until.isoformat()}"


def lead_url_template() -> str | None:
    """The lead detail URL with a placeholder, so 50,000 links need no 50,000 reverse()."""
    try:
        url = reverse("leads:detail", args=[_URL_SENTINEL])
    except NoReverseMatch:
        return None
    return url.replace(str(_URL_SENTINEL), "{id}")


_UNSET = object()


def lead_url(lead_id: int, template=_UNSET) -> str:
    """The lead's detail URL ("" while that page does not exist); pass a `template`
    from `lead_url_template()` when building many."""
    if template is _UNSET:
        template = lead_url_template()
    return template.format(id=lead_id) if template else ""


def overdue_candidates(*, today: dt.date):
    """Leads whose follow-up date passed, with an owner, not terminal, not yet notified."""
    already_notified = (
        Notification.objects.filter(
            recipient_id=OuterRef("follow_up_by_id"),
            dedupe_key=Concat(
                Value("overdue:"),
                Cast(OuterRef("pk"), CharField()),
                Value(":"),
                Cast(OuterRef("follow_up_until"), CharField()),
                output_field=CharField(),
            ),
        )
        # repeats the partial index predicate so PostgreSQL can use that index
        .exclude(dedupe_key="")
    )
    open_statuses = list(LeadStatus.objects.non_terminal().values_list("pk", flat=True))
    return (
        Lead.objects.filter(
            follow_up_until__lt=today,
            follow_up_by__isnull=False,
            status_id__in=open_statuses,
            merged_into__isnull=True,
            anonymised_at__isnull=True,
        )
        .exclude(Exists(already_notified))
        .order_by("pk")
    )


def _notification(
    row: dict, *, content_type_id: int, url_template: str | None, texts: tuple[str, str]
) -> Notification:
    name = row["customer__name"] or row["company_name"] or row["number"]
    due = row["follow_up_until"]
    title, text = texts
    return Notification(
        recipient_id=row["follow_up_by_id"],
        kind=Kind.FOLLOW_UP_OVERDUE,
        priority=Priority.A,
        title=(title % {"name": name})[:200],
        text=text % {"number": row["number"], "name": name, "due": due.strftime("%d.%m.%Y")},
        content_type_id=content_type_id,
        object_id=row["pk"],
        url=lead_url(row["pk"], url_template),
        dedupe_key=overdue_dedupe_key(row["pk"], due),
    )


def overdue_follow_ups_notify(
    *, today: dt.date | None = None, batch_size: int = BATCH_SIZE
) -> OverdueResult:
    """Notify the owners of all overdue leads; safe to run any number of times.

    Each page is committed on its own: if the worker dies halfway, the next run re-derives
    the remaining work from the database (what is already notified is skipped).
    """
    today = today or timezone.localdate()
    result = OverdueResult(today=today.isoformat())
    content_type_id = ContentType.objects.get_for_model(Lead).pk
    url_template = lead_url_template()
    texts = (
        _("Nachbetreuung überfällig: %(name)s"),
        _("Die Nachbetreuung von Lead %(number)s (%(name)s) war bis %(due)s fällig."),
    )
    started = timezone.now()
    base = overdue_candidates(today=today).values(
        "pk", "number", "company_name", "customer__name", "follow_up_by_id", "follow_up_until"
    )
    last_id = 0
    while True:
        rows = list(base.filter(pk__gt=last_id)[:batch_size])
        if not rows:
            break
        last_id = rows[-1]["pk"]
        Notification.objects.bulk_create(
            [
                _notification(
                    row, content_type_id=content_type_id, url_template=url_template, texts=texts
                )
                for row in rows
            ],
            ignore_conflicts=True,
            batch_size=batch_size,
        )
        result.candidates += len(rows)
        result.batches += 1
    if result.candidates:
        # ignore_conflicts hides which rows were new; count what this run added.
        result.created = Notification.objects.filter(
            kind=Kind.FOLLOW_UP_OVERDUE, created_at__gte=started
        ).count()
    return result
