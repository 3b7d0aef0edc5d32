"""Reads of the kanban boards: columns with counts and per-column keyset pages.

Query budget per board, whatever the number of leads: one bounded COUNT for all columns,
then one LIMIT query per expanded column (ordered by an index, `lead_status_created_idx`
for leads and `person_status_idx` for persons). A column with 100,000 cards costs the
same as one with 10; further cards come page by page with a keyset cursor, never OFFSET.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, Q, QuerySet

from contacts.models import LeadStatus, Person
from leads.models import Lead
from leads.permissions import visible_leads
from ui.dates import in_sane_range

BOARD_PAGE_SIZE = 20
BOARD_COUNT_LIMIT = 1000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class BoardColumn:
    status: LeadStatus
    count: int
    collapsed: bool
    capped: bool = False  # more than BOARD_COUNT_LIMIT cards: shown as "1000+"
    cards: list[Any] = field(default_factory=list)
    next_cursor: str = ""
    toggle_url: str = ""  # expands/collapses the column, set by the view
    more_url: str = ""  # the next page of this column, set by the view


def board_statuses() -> list[LeadStatus]:
    """The columns of every board: the active statuses in rank order."""
    return list(LeadStatus.objects.active().order_by("rank", "name"))


# --- cursors ---------------------------------------------------------------------------
def _lead_cursor(lead: Lead) -> str:
    micros = (lead.created_at - _EPOCH) // timedelta(microseconds=1)
    return f"{micros}.{lead.pk}"


def _parse_lead_cursor(cursor: str) -> Q | None:
    try:
        micros, pk = (int(part) for part in cursor.split(".", 1))
        created = _EPOCH + timedelta(microseconds=micros)
    except (ValueError, OverflowError):
        return None
    if not (0 < pk < 2**63 and in_sane_range(created)):
        return None
    return Q(created_at__lt=created) | Q(created_at=created, pk__lt=pk)


def _parse_person_cursor(cursor: str) -> Q | None:
    try:
        pk = int(cursor)
    except ValueError:
        return None
    return Q(pk__lt=pk) if 0 < pk < 2**63 else None


# --- pages -----------------------------------------------------------------------------
def lead_board_page(
    *, leads: QuerySet[Lead], status_id: int, after: str = "", size: int = BOARD_PAGE_SIZE
) -> tuple[list[Lead], str]:
    """One page of a lead column, newest first, and the cursor of the next page ("" at end)."""
    qs = leads.filter(status_id=status_id).for_board_cards().order_by("-created_at", "-pk")
    if after:
        keyset = _parse_lead_cursor(after)
        if keyset is None:
            return [], ""
        qs = qs.filter(keyset)
    rows = list(qs[: size + 1])
    if len(rows) > size:
        return rows[:size], _lead_cursor(rows[size - 1])
    return rows, ""


def person_board_page(
    *, persons: QuerySet[Person], status_id: int, after: str = "", size: int = BOARD_PAGE_SIZE
) -> tuple[list[Person], str]:
    qs = (
        persons.filter(lead_status_id=status_id)
        .select_related("company", "owner", "lead_status")
        .order_by("-pk")
    )
    if after:
        keyset = _parse_person_cursor(after)
        if keyset is None:
            return [], ""
        qs = qs.filter(keyset)
    rows = list(qs[: size + 1])
    if len(rows) > size:
        return rows[:size], str(rows[size - 1].pk)
    return rows, ""


# --- whole boards ----------------------------------------------------------------------
def status_counts(qs: QuerySet, status_field: str = "status") -> dict[int, int]:
    """Cards per status in ONE grouped query."""
    return dict(
        qs.order_by()
        .values_list(status_field)
        .annotate(n=Count("pk"))
        .values_list(status_field, "n")
    )


def bounded_status_counts(
    qs: QuerySet, status_field: str, status_ids: list[int], limit: int = BOARD_COUNT_LIMIT
) -> dict[int, int]:
    """Cards per status, each counted only up to `limit` + 1, in ONE query.

    An exact grouped COUNT reads every row: 250-600 ms at a million leads even as an
    index-only scan (bench/results/NOTES.md). Counting at most 1,001 ids per status reads
    at most 1,001 index entries per column, whatever the size; a column above the limit
    shows "1000+" like the lead list's "mehr als 1.000".
    """
    if not status_ids:
        return {}
    parts, params = [], []
    try:
        for pk in status_ids:
            sub = qs.filter(**{f"{status_field}_id": pk}).order_by().values("pk")[: limit + 1]
            sql, sub_params = sub.query.sql_with_params()
            # pk is an int and `sql` is Django-compiled with its values kept in params.
            bounded = f"SELECT {int(pk)}, (SELECT COUNT(*) FROM ({sql}) AS bounded)"  # noqa: S608  # nosec B608
            parts.append(bounded)
            params.extend(sub_params)
    except EmptyResultSet:
        return {}
    with connections[qs.db].cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return {int(pk): int(n) for pk, n in cursor.fetchall()}


def _columns(qs, *, status_field, statuses, expanded, page) -> list[BoardColumn]:
    statuses = list(statuses)
    counts = bounded_status_counts(qs, status_field, [s.pk for s in statuses])
    columns = []
    for status in statuses:
        count = counts.get(status.pk, 0)
        capped = count > BOARD_COUNT_LIMIT
        collapsed = status.is_terminal and status.pk not in expanded
        column = BoardColumn(
            status=status,
            count=min(count, BOARD_COUNT_LIMIT),
            collapsed=collapsed,
            capped=capped,
        )
        if not collapsed and count:
            column.cards, column.next_cursor = page(status.pk)
        columns.append(column)
    return columns


def lead_board(
    *, leads: QuerySet[Lead], statuses: Iterable[LeadStatus], expanded: Iterable[int] = ()
) -> list[BoardColumn]:
    """The lead board: every status a column; terminal ones collapsed unless expanded."""
    return _columns(
        leads,
        status_field="status",
        statuses=statuses,
        expanded=set(expanded),
        page=lambda status_id: lead_board_page(leads=leads, status_id=status_id),
    )


def person_board(
    *, persons: QuerySet[Person], statuses: Iterable[LeadStatus], expanded: Iterable[int] = ()
) -> list[BoardColumn]:
    """A person selection as a board; persons whose lead status does not apply are left out."""
    persons = persons.with_lead_status_applicable()
    return _columns(
        persons,
        status_field="lead_status",
        statuses=statuses,
        expanded=set(expanded),
        page=lambda status_id: person_board_page(persons=persons, status_id=status_id),
    )


def board_leads(user) -> QuerySet[Lead]:
    """The leads a board shows before filters: those visible to `user`, not merged."""

    return visible_leads(user).filter(merged_into__isnull=True)
