"""Overdue follow-ups (seed 002 "Überschreitung des Nachbetreuungs-Datums").

When "Nachbetreuung bis" has passed, the user in "Nachbetreuung durch" gets one
notification naming the Geschäftspartner (or else the Unternehmen). Leads in a terminal
phase (Geschlossen, Konvertiert, Disqualifiziert), merged and anonymised leads are left out.

The job is set-based so that a million leads with tens of thousands overdue take seconds:
the candidate ids come from one query (leads already notified for this due date are
skipped in SQL by NOT EXISTS on the dedupe key) and go in pages of 5,000; each page
becomes one INSERT … SELECT … ON CONFLICT DO NOTHING that builds the notifications in the
database. The
partial unique index (recipient, dedupe_key) is the real guarantee of "exactly one per lead
and due date": a rerun, a retry or two workers running at once cannot create a second one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone

from contacts.models import Company
from leads.models import Lead
from notifications.kinds import dedupe_key, default_priority
from notifications.models import Kind, Notification

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
    """The kind's key (notifications.kinds); the INSERT below builds the same in SQL."""
    return dedupe_key(Kind.FOLLOW_UP_OVERDUE, lead=lead_id, due=follow_up_until)


def overdue_params(lead: Lead) -> dict:
    """The parameters of one lead's notification, as the INSERT builds them in SQL."""
    name = (lead.customer.name if lead.customer_id else "") or lead.company_name or lead.number
    return {"number": lead.number, "name": name, "due": lead.follow_up_until.isoformat()}


def lead_url_template() -> str:
    """The lead detail URL with an `{id}` placeholder, for the one INSERT that writes
    50,000 notifications (the URL is built in SQL, not per row)."""
    return reverse("leads:detail", args=[_URL_SENTINEL]).replace(str(_URL_SENTINEL), "{id}")


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
    return (
        Lead.objects.overdue(today)
        .filter(
            follow_up_by__isnull=False,
            merged_into__isnull=True,
            anonymised_at__isnull=True,
        )
        .exclude(Exists(already_notified))
        .order_by("pk")
    )


def _insert_statement(*, url_template: str) -> tuple[str, list]:
    """INSERT … SELECT building one notification per lead id in SQL (ids appended later).

    Building the rows in the database instead of as model instances keeps Python out of
    the per-row work: a page of 5,000 is one statement. The row carries the kind and its
    parameters (`overdue_params`), the text is rendered when read. ON CONFLICT DO NOTHING
    (PostgreSQL and SQLite) turns a repeat of (recipient, dedupe_key) into a no-op.
    """
    if connection.vendor == "postgresql":
        due_iso = "to_char(l.follow_up_until, 'YYYY-MM-DD')"
        json_object = "jsonb_build_object"
    else:
        due_iso = "strftime('%%Y-%%m-%%d', l.follow_up_until)"
        json_object = "json_object"
    name = "COALESCE(NULLIF(c.name, ''), NULLIF(l.company_name, ''), l.number)"
    lead_id = "CAST(l.id AS TEXT)"
    params_sql = f"{json_object}('number', l.number, 'name', {name}, 'due', {due_iso})"
    # the kind's dedupe pattern "overdue:{lead}:{due}" (tests check the two agree)
    key_sql = f"'overdue:' || {lead_id} || ':' || {due_iso}"
    before, _sep, after = url_template.partition("{id}")
    url_sql = f"%s || {lead_id} || %s"
    columns = [
        Notification._meta.get_field(name).column
        for name in (
            "recipient",
            "kind",
            "priority",
            "title",
            "text",
            "params",
            "content_type",
            "object_id",
            "url",
            "dedupe_key",
            "created_at",
        )
    ]
    # only table/column names and fixed SQL fragments are interpolated; all text is a param
    # (bandit B608 justified for that reason: no user input reaches the f-string)
    sql = (  # nosec B608
        f"INSERT INTO {Notification._meta.db_table} ({', '.join(columns)}) "  # noqa: S608 # nosec
        f"SELECT l.follow_up_by_id, %s, %s, '', '', {params_sql}, %s, l.id, "
        f"{url_sql}, {key_sql}, %s "
        f"FROM {Lead._meta.db_table} l "
        f"LEFT JOIN {Company._meta.db_table} c ON c.id = l.customer_id "
        "WHERE l.id IN ({ids}) "
        "ON CONFLICT DO NOTHING"
    )
    params = [
        Kind.FOLLOW_UP_OVERDUE,
        default_priority(Kind.FOLLOW_UP_OVERDUE),
        ContentType.objects.get_for_model(Lead).pk,
        before,
        after,
        connection.ops.adapt_datetimefield_value(timezone.now()),
    ]
    return sql, params


def overdue_follow_ups_notify(
    *, today: dt.date | None = None, batch_size: int = BATCH_SIZE
) -> OverdueResult:
    """Notify the owners of all overdue leads; safe to run any number of times.

    Each page is committed on its own: if the worker dies halfway, the next run re-derives
    the remaining work from the database (what is already notified is skipped).
    """
    today = today or timezone.localdate()
    result = OverdueResult(today=today.isoformat())
    sql, params = _insert_statement(url_template=lead_url_template())

    def insert(ids: list[int]) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql.format(ids=", ".join(["%s"] * len(ids))), [*params, *ids])
            result.created += max(cursor.rowcount, 0)
        result.candidates += len(ids)
        result.batches += 1

    # One query reads all candidate ids (plain ints: 50,000 are 2 MB) before any insert;
    # reading through a cursor while inserting made PostgreSQL's anti-join several times
    # slower. The inserts then go in pages, each committed on its own.
    ids = list(overdue_candidates(today=today).values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        insert(ids[start : start + batch_size])
    return result
