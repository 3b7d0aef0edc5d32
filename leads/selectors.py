"""Reads for the lead screens: the sorted, keyset-paged list, columns, mask and history."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from accounts.models import ListPreference
from activities.models import Activity
from leads.fields import list_columns as catalogue_columns
from leads.models import ConsentRecord, Lead, LeadContact, LeadRating, LeadStatusChange
from leads.services.history import api_token_of, history_changes

PAGE_SIZES = (25, 50, 100)
COUNT_LIMIT = 1000  # "mehr als 1.000": never count the whole table


@dataclass(frozen=True)
class Column:
    key: str
    label: Any
    sort_field: str | None = None  # model field for ORDER BY, None = not sortable
    kind: str = "text"  # value type of the sort key: text, int, date, datetime


# the value type of a sort key, for the keyset cursor (ints, dates, datetimes; else text)
_SORT_KINDS = {
    models.PositiveSmallIntegerField: "int",
    models.IntegerField: "int",
    models.DateField: "date",
    models.DateTimeField: "datetime",
}


def _sort_kind(lookup: str) -> str:
    """The value type of a sort lookup ("score", "status__rank"), read from the model."""
    model, field = Lead, None
    for part in lookup.split("__"):
        field = model._meta.get_field(part)
        model = field.related_model
    return _SORT_KINDS.get(type(field), "text")


def _columns() -> list[Column]:
    """The list's columns, in chooser order, from the field catalogue."""
    columns = []
    for lead_field, spec in catalogue_columns():
        sort_field = spec.sort if isinstance(spec.sort, str) else lead_field.name
        columns.append(
            Column(
                spec.key,
                spec.label or lead_field.label,
                sort_field if spec.sort else None,
                _sort_kind(sort_field) if spec.sort else "text",
            )
        )
    return columns


COLUMNS = _columns()
COLUMNS_BY_KEY = {c.key: c for c in COLUMNS}
DEFAULT_COLUMNS = [spec.key for _field, spec in catalogue_columns() if spec.default]
DEFAULT_SORT = "-created"
LIST_KEY = "leads"


def list_columns(user) -> list[Column]:
    pref = ListPreference.objects.filter(user=user, key=LIST_KEY).first()
    keys = [k for k in (pref.columns if pref else []) if k in COLUMNS_BY_KEY] or DEFAULT_COLUMNS
    if "number" not in keys:
        keys = ["number", *keys]
    return [COLUMNS_BY_KEY[k] for k in keys]


def save_list_columns(*, user, columns: list[str]) -> None:
    keys = [k for k in columns if k in COLUMNS_BY_KEY] or DEFAULT_COLUMNS
    ListPreference.objects.update_or_create(user=user, key=LIST_KEY, defaults={"columns": keys})


def parse_sort(value: str | None) -> tuple[Column, bool]:
    """("-score") → (score column, descending). Unknown values fall back to the default."""
    value = (value or "").strip()
    desc = value.startswith("-")
    column = COLUMNS_BY_KEY.get(value.lstrip("-"))
    if column is None or column.sort_field is None:
        return parse_sort(DEFAULT_SORT)
    return column, desc


# the relations a column shows, joined only when the column is shown (the status always is)
LIST_RELATIONS = tuple(
    f.name for f, _spec in catalogue_columns() if f.model_field.many_to_one and f.name != "status"
)


def list_queryset(qs: QuerySet, columns: list[Column] | None = None) -> QuerySet:
    """The list's rows with the relations of the shown `columns` (all when None).

    Only the shown ones: each LEFT JOIN widens PostgreSQL's join-order search, and with all
    seven the planning took 50-200 ms on a busy 2-core machine for a 1 ms page (bench/).
    """
    keys = {c.key for c in columns} if columns is not None else set(LIST_RELATIONS)
    return qs.select_related("status", *[name for name in LIST_RELATIONS if name in keys])


# --- keyset paging -----------------------------------------------------------------------


def _encode_cursor(value, pk: int, direction: str) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        value = value.isoformat()
    raw = json.dumps([value, pk, direction], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str, column: Column):
    """(value, pk, direction) or None for a broken/tampered cursor (→ first page)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, pk, direction = json.loads(raw)
        pk = int(pk)
        if direction not in ("after", "before") or not 0 < pk < 2**63:
            return None
        if value is not None:
            if column.kind == "int":
                value = int(value)
                if abs(value) >= 2**63:
                    return None
            elif column.kind == "date":
                value = parse_date(value)
                if value is None:
                    return None
            elif column.kind == "datetime":
                value = parse_datetime(value)
                if value is None:
                    return None
            else:
                value = str(value)[:300]
        return value, pk, direction
    except (ValueError, TypeError, json.JSONDecodeError, UnicodeDecodeError):
        return None


def _order(field_name: str, desc: bool, reverse: bool = False):
    """ORDER BY of the list (NULLs last in either direction); `reverse` walks it backwards."""
    expr = F(field_name)
    if reverse:
        return (
            expr.asc(nulls_first=True) if desc else expr.desc(nulls_first=True),
            "id" if desc else "-id",
        )
    return (
        expr.desc(nulls_last=True) if desc else expr.asc(nulls_last=True),
        "-id" if desc else "id",
    )


def _nullable(field_name: str) -> bool:
    """Whether the sort path can be NULL (a nullable column or a nullable relation on the way)."""
    model, nullable = Lead, False
    for part in field_name.split("__"):
        field = model._meta.get_field(part)
        nullable = nullable or field.null
        model = field.related_model or model
    return nullable


def _after(field_name: str, desc: bool, value, pk: int) -> Q:
    """Rows strictly after (value, pk) in the order (field desc?, id desc?) nulls last.

    The condition leads with `field <= value` (`>=` ascending) so PostgreSQL reads it as an
    index range that starts at the cursor, instead of testing an OR on every earlier row
    (a cursor 900,000 rows deep); the NULL branch exists only for nullable sort fields."""
    id_beyond = "id__lt" if desc else "id__gt"
    if value is None:
        return Q(**{f"{field_name}__isnull": True}) & Q(**{id_beyond: pk})
    from_value = f"{field_name}__lte" if desc else f"{field_name}__gte"
    beyond = f"{field_name}__lt" if desc else f"{field_name}__gt"
    after = Q(**{from_value: value}) & (Q(**{beyond: value}) | Q(**{id_beyond: pk}))
    if _nullable(field_name):
        after |= Q(**{f"{field_name}__isnull": True})
    return after


def _before(field_name: str, desc: bool, value, pk: int) -> Q:
    """Rows strictly before (value, pk) in that order (same index-range shape)."""
    id_ahead = "id__gt" if desc else "id__lt"
    if value is None:
        return Q(**{f"{field_name}__isnull": False}) | Q(
            **{f"{field_name}__isnull": True, id_ahead: pk}
        )
    to_value = f"{field_name}__gte" if desc else f"{field_name}__lte"
    ahead = f"{field_name}__gt" if desc else f"{field_name}__lt"
    return Q(**{to_value: value}) & (Q(**{ahead: value}) | Q(**{id_ahead: pk}))


@dataclass
class Page:
    items: list
    next_cursor: str | None = None
    prev_cursor: str | None = None
    total_display: str = ""
    total_exact: int | None = None
    page_size: int = 25
    extra: dict = field(default_factory=dict)


def _sort_value(lead: Lead, column: Column):
    obj: Any = lead
    for part in column.sort_field.split("__"):
        obj = getattr(obj, part) if obj is not None else None
    return obj


def paginate(
    qs: QuerySet,
    *,
    sort: str | None,
    cursor: str | None,
    page_size: int,
    by_ids: Callable[[list[int]], QuerySet] | None = None,
) -> Page:
    """One page of `qs` in keyset order; two queries (bounded ids + rows).

    First the ids of at most COUNT_LIMIT + 1 matches are read: that is the bounded count
    (never a COUNT over the whole table). When the filter is that selective and `by_ids` is
    given, the page is then read from those ids by primary key (`by_ids(ids)`) instead of
    running the filter again: a text search otherwise walks the list order's index and
    tests the search expression on tens of thousands of rows (72 ms → 3 ms at 1M leads).
    """
    ids = list(qs.order_by().values_list("id", flat=True)[: COUNT_LIMIT + 1])
    selective = len(ids) <= COUNT_LIMIT
    if selective and by_ids is not None:
        qs = by_ids(ids)
    column, desc = parse_sort(sort)
    page_size = page_size if page_size in PAGE_SIZES else PAGE_SIZES[0]
    decoded = _decode_cursor(cursor, column) if cursor else None
    direction = decoded[2] if decoded else "after"
    if decoded and direction == "after":
        qs_page = qs.filter(_after(column.sort_field, desc, decoded[0], decoded[1]))
    elif decoded:
        qs_page = qs.filter(_before(column.sort_field, desc, decoded[0], decoded[1]))
    else:
        qs_page = qs
    if direction == "before":
        rows = list(
            qs_page.order_by(*_order(column.sort_field, desc, reverse=True))[: page_size + 1]
        )
        has_more_before = len(rows) > page_size
        rows = list(reversed(rows[:page_size]))
        has_prev, has_next = has_more_before, True
    else:
        rows = list(qs_page.order_by(*_order(column.sort_field, desc))[: page_size + 1])
        has_next = len(rows) > page_size
        rows = rows[:page_size]
        has_prev = decoded is not None
    page = Page(items=rows, page_size=page_size)
    if rows and has_next:
        last = rows[-1]
        page.next_cursor = _encode_cursor(_sort_value(last, column), last.pk, "after")
    if rows and has_prev:
        first = rows[0]
        page.prev_cursor = _encode_cursor(_sort_value(first, column), first.pk, "before")
    if selective:
        page.total_exact = len(ids)
        page.total_display = str(len(ids))
    else:
        page.total_display = str(_("mehr als %(n)s") % {"n": f"{COUNT_LIMIT:,}".replace(",", ".")})
    return page


def without_needless_distinct(qs: QuerySet) -> QuerySet:
    """`qs` without DISTINCT when none of its joins can repeat a lead.

    django-filter marks multi-value filters (status, phase) distinct; on forward foreign
    keys that never duplicates a row, but SELECT DISTINCT makes PostgreSQL hash every
    matching row before the LIMIT (16 ms instead of 1 ms at a million leads, bench/).
    """
    query = qs.query
    if not query.distinct or query.distinct_fields:
        return qs
    for join in query.alias_map.values():
        field = getattr(join, "join_field", None)
        if field is not None and (field.many_to_many or field.one_to_many):
            return qs
    qs = qs.all()
    qs.query.distinct = False
    return qs


# The model fields each list column reads; the page loads those (plus every sort key and
# the status) instead of all ~60 columns of a lead (phone numbers are parsed on load, too).
COLUMN_FIELDS = {
    spec.key: (*(() if spec.sort else (f.name,)), *spec.also)
    for f, spec in catalogue_columns()
    if not spec.sort or spec.also
}
ALWAYS_LOADED = (
    "status",
    *(c.sort_field for c in COLUMNS if c.sort_field and "__" not in c.sort_field),
)


def _page_rows(qs: QuerySet, columns: list[Column] | None) -> QuerySet:
    qs = list_queryset(qs, columns)
    if columns is None:
        return qs
    extra = [name for col in columns for name in COLUMN_FIELDS.get(col.key, ())]
    return qs.only(*ALWAYS_LOADED, *extra)


def lead_list(
    *, filterset, sort: str | None, cursor: str | None, page_size: int, columns=None
) -> Page:
    qs = without_needless_distinct(filterset.qs)
    return paginate(
        _page_rows(qs, columns),
        sort=sort,
        cursor=cursor,
        page_size=page_size,
        by_ids=lambda ids: _page_rows(Lead.objects.filter(pk__in=ids), columns),
    )


def sorted_for_export(qs: QuerySet, sort: str | None) -> QuerySet:
    column, desc = parse_sort(sort)
    return list_queryset(qs).order_by(*_order(column.sort_field, desc))


# --- mask ------------------------------------------------------------------------------


def lead_for_mask(pk: int) -> Lead | None:
    """The lead with everything the mask renders, in a constant number of queries."""

    # the relations the mask shows as objects; the selects need only the ids (source,
    # type, campaign, users), and every join here widens the 250-column row the ORM builds
    return (
        Lead.objects.select_related("status", "customer", "created_by", "updated_by", "lost_reason")
        .prefetch_related(
            Prefetch(
                "lead_contacts",
                queryset=LeadContact.objects.select_related("person__company").order_by(
                    "-is_main", "person__last_name", "id"
                ),
            ),
            Prefetch(
                "activities",
                # the columns of the mask's activity table (the body texts stay in the DB)
                queryset=Activity.objects.select_related("person")
                .only(
                    "kind", "subject", "start", "status", "person__first_name", "person__last_name"
                )
                .order_by("-start", "-id"),
            ),
            Prefetch(
                "consents",
                queryset=ConsentRecord.objects.select_related("recorded_by").order_by(
                    "-created_at", "-id"
                ),
            ),
        )
        .filter(pk=pk)
        .first()
    )


def interests_and_ratings(lead: Lead) -> tuple[list[int], dict[int, int | None]]:
    """The lead's interest ids and its ratings (criterion id → option id), one query: what
    the mask's form starts from (two prefetches before)."""
    from django.db.models import BigIntegerField, CharField, Value

    interests = (
        Lead.interests.through.objects.filter(lead_id=lead.pk)
        .annotate(
            pick=Value("interest", output_field=CharField()),
            key=F("interest_id"),
            choice=Value(None, output_field=BigIntegerField()),
        )
        .values_list("pick", "key", "choice")
    )
    ratings = (
        LeadRating.objects.filter(lead_id=lead.pk)
        .annotate(
            pick=Value("rating", output_field=CharField()),
            key=F("criterion_id"),
            choice=F("option_id"),
        )
        .values_list("pick", "key", "choice")
    )
    interest_ids, rating_map = [], {}
    for pick, key, choice in interests.order_by().union(ratings.order_by(), all=True):
        if pick == "interest":
            interest_ids.append(key)
        else:
            rating_map[key] = choice
    return sorted(interest_ids), rating_map


def main_contact(lead: Lead):
    for link in lead.lead_contacts.all():
        if link.is_main:
            return link.person
    return None


# --- history -----------------------------------------------------------------------------


def status_durations(lead: Lead) -> list[dict]:
    """Each status the lead went through with the time spent in it (current one: till now)."""
    changes = list(
        LeadStatusChange.objects.filter(lead=lead)
        .select_related("from_status", "to_status", "changed_by")
        .order_by("changed_at", "id")
    )
    now = timezone.now()
    rows = []
    for index, change in enumerate(changes):
        end = changes[index + 1].changed_at if index + 1 < len(changes) else None
        rows.append(
            {
                "change": change,
                "duration": (end or now) - change.changed_at,
                "current": end is None,
            }
        )
    rows.reverse()
    return rows


def lead_history(lead: Lead, limit: int = 100) -> list[dict]:
    """Field changes newest first: [{record, user, date, type, changes: [(name, old, new)]}]."""

    records = list(
        Lead.history.filter(id=lead.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[: limit + 1]
    )
    entries = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = history_changes(record, previous) if previous else []
        if previous is not None and not changes:
            continue
        entries.append(
            {
                "record": record,
                "user": record.history_user,
                "date": record.history_date,
                "type": record.history_type,
                "changes": changes,
                "api_token": api_token_of(record),
            }
        )
    return entries


def format_duration(delta: dt.timedelta) -> str:
    seconds = int(delta.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return str(_("%(d)s T. %(h)s Std.") % {"d": days, "h": hours})
    if hours:
        return str(_("%(h)s Std. %(m)s Min.") % {"h": hours, "m": minutes})
    return str(_("%(m)s Min.") % {"m": minutes})
