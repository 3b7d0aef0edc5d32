"""The lead's timeline: everything that happened to a lead, newest first, one page at a time.

Four sources are merged: the lead's activities (calls, notes, tasks, appointments, mails),
its status changes with the time spent in each status, its field changes (the
django-simple-history records, status left out: the status rows tell it with durations)
and the viewer's notifications about the lead.

Paging is keyset: every entry has a key (time, source rank, id) and a page asks each source
for at most `limit` entries older than the cursor, merges them and keeps the newest
`limit`. So a page costs one query per source (plus one per foreign key that changed on
the page's history records) whatever the size of the lead's past.

Field changes need the record before each one to compute the difference; a history
record without a visible change yields no entry, so that source may cover fewer entries
than it read. It then reports a horizon (the oldest record it looked at) and the page is
cut there, so no older entry of another source jumps ahead of an unread history record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from activities.models import Activity, ActivityKind
from leads.models import Lead, LeadStatusChange
from leads.selectors import format_duration
from notifications.models import Notification
from ui.history import record_changes, related_names, shown_fields

PAGE_SIZE = 20

# the filter chips, in the order shown
KINDS = {
    "activity": _("Aktivitäten"),
    "mail": _("E-Mails"),
    "note": _("Notizen"),
    "status": _("Status"),
    "change": _("Änderungen"),
    "notification": _("Benachrichtigungen"),
}
# a stable tie-break between sources that share a timestamp
_RANK = {"activity": 1, "status": 2, "change": 3, "notification": 4}
# which source delivers which kinds of entries
_ACTIVITY_KINDS = {
    "activity": [ActivityKind.APPOINTMENT, ActivityKind.CALL, ActivityKind.TASK],
    "mail": [ActivityKind.EMAIL_OUT, ActivityKind.EMAIL_IN],
    "note": [ActivityKind.NOTE],
}
# bookkeeping and status fields that are not shown as field changes
_HIDDEN_FIELDS = {"status", "status_changed_at", "closed_at", "score", "appointment", "is_stale"}


@dataclass(frozen=True, order=True)
class Key:
    at: dt.datetime
    rank: int
    pk: int

    def encode(self) -> str:
        return f"{self.at.isoformat()}|{self.rank}|{self.pk}"

    @classmethod
    def decode(cls, value: str | None) -> Key | None:
        try:
            at, rank, pk = (value or "").split("|")
            parsed = parse_datetime(at)
            if parsed is None:
                return None
            return cls(parsed, int(rank), int(pk))
        except ValueError:
            return None


@dataclass
class Entry:
    kind: str  # one of KINDS
    key: Key
    activity: Activity | None = None
    status_change: LeadStatusChange | None = None
    duration_text: str = ""
    current: bool = False
    record: object = None
    changes: list = field(default_factory=list)
    notification: Notification | None = None

    @property
    def at(self) -> dt.datetime:
        return self.key.at


@dataclass
class TimelinePage:
    entries: list[Entry]
    next_cursor: str | None
    kinds: tuple[str, ...]


def parse_kinds(values) -> tuple[str, ...]:
    """The kinds asked for (unknown ones dropped); none means all."""
    chosen = tuple(k for k in KINDS if k in set(values or ()))
    return chosen or tuple(KINDS)


def _older(qs: QuerySet, cursor: Key | None, rank: int, at_field: str) -> QuerySet:
    """Rows of one source whose key (at_field, rank, pk) lies after the cursor."""
    if cursor is None:
        return qs
    if rank < cursor.rank:
        return qs.filter(**{f"{at_field}__lte": cursor.at})
    if rank > cursor.rank:
        return qs.filter(**{f"{at_field}__lt": cursor.at})
    return qs.filter(
        Q(**{f"{at_field}__lt": cursor.at}) | Q(**{at_field: cursor.at, "pk__lt": cursor.pk})
    )


def _activity_kind(activity: Activity) -> str:
    return next((k for k, values in _ACTIVITY_KINDS.items() if activity.kind in values), "activity")


def activity_entry(activity: Activity) -> Entry:
    """The timeline entry of one activity (a task ticked done is re-rendered alone)."""
    key = Key(activity.created_at, _RANK["activity"], activity.pk)
    return Entry(_activity_kind(activity), key, activity=activity)


def _activities(lead: Lead, kinds, cursor, limit) -> tuple[list[Entry], Key | None]:
    wanted = [k for kind in kinds for k in _ACTIVITY_KINDS.get(kind, ())]
    if not wanted:
        return [], None
    rank = _RANK["activity"]
    qs = _older(
        Activity.objects.filter(leads=lead, kind__in=wanted).select_related(
            "person", "delegated_to", "created_by"
        ),
        cursor,
        rank,
        "created_at",
    ).order_by("-created_at", "-pk")[:limit]
    return [activity_entry(activity) for activity in qs], None


def _status_changes(lead: Lead, cursor, limit) -> tuple[list[Entry], Key | None]:
    rank = _RANK["status"]
    # the next change ends a status (a correlated subquery, not a window function: the
    # cursor filter would cut the window and make a page's newest row look current)
    next_change = (
        LeadStatusChange.objects.filter(lead=OuterRef("lead"))
        .filter(
            Q(changed_at__gt=OuterRef("changed_at"))
            | Q(changed_at=OuterRef("changed_at"), pk__gt=OuterRef("pk"))
        )
        .order_by("changed_at", "pk")
        .values("changed_at")[:1]
    )
    qs = (
        LeadStatusChange.objects.filter(lead=lead)
        .select_related("to_status", "changed_by")
        .annotate(ended_at=Subquery(next_change))
    )
    qs = _older(qs, cursor, rank, "changed_at").order_by("-changed_at", "-pk")[:limit]
    now = timezone.now()
    entries = []
    for change in qs:
        end = change.ended_at
        entries.append(
            Entry(
                "status",
                Key(change.changed_at, rank, change.pk),
                status_change=change,
                duration_text=format_duration((end or now) - change.changed_at),
                current=end is None,
            )
        )
    return entries, None


def _field_changes(lead: Lead, cursor, limit) -> tuple[list[Entry], Key | None]:
    rank = _RANK["change"]
    qs = _older(
        Lead.history.filter(id=lead.pk).select_related("history_user"),
        cursor,
        rank,
        "history_date",
    )
    # history_id is the record's pk: the same tie-break the cursor uses
    records = list(qs.order_by("-history_date", "-history_id")[: limit + 1])
    tracked = {f.attname for f in Lead.history.model._meta.concrete_fields}
    fields = [
        f for f in shown_fields(Lead) if f.name not in _HIDDEN_FIELDS and f.attname in tracked
    ]
    pairs = list(zip(records[:limit], [*records[1:], None], strict=False))
    changed = {
        f.name
        for newer, older in pairs
        if older is not None
        for f in fields
        if getattr(newer, f.attname) != getattr(older, f.attname)
    }
    names = related_names(records, [f for f in fields if f.name in changed])
    entries = []
    for newer, older in pairs:
        key = Key(newer.history_date, rank, newer.history_id)
        if newer.history_type == "+" and older is None:
            entries.append(Entry("change", key, record=newer))
            continue
        changes = record_changes(newer, older, fields, names) if older is not None else []
        if changes:
            entries.append(Entry("change", key, record=newer, changes=changes))
    horizon = None
    if len(records) > limit:
        oldest = records[limit - 1]
        horizon = Key(oldest.history_date, rank, oldest.history_id)
    return entries, horizon


def _notifications(lead: Lead, user, cursor, limit) -> tuple[list[Entry], Key | None]:
    rank = _RANK["notification"]
    qs = _older(
        Notification.objects.filter(
            recipient=user,
            content_type=ContentType.objects.get_for_model(Lead),
            object_id=lead.pk,
        ),
        cursor,
        rank,
        "created_at",
    ).order_by("-created_at", "-pk")[:limit]
    return [Entry("notification", Key(n.created_at, rank, n.pk), notification=n) for n in qs], None


def lead_timeline(
    lead: Lead, *, user, kinds=(), cursor: str | None = None, limit: int = PAGE_SIZE
) -> TimelinePage:
    """One page of the lead's timeline, newest first, for `user` (whose notifications it
    shows); `kinds` narrows it to some of KINDS, `cursor` is a page's `next_cursor`."""
    kinds = parse_kinds(kinds)
    after = Key.decode(cursor)
    ask = limit + 1  # one more than shown tells whether there is a next page
    results = [_activities(lead, kinds, after, ask)]
    if "status" in kinds:
        results.append(_status_changes(lead, after, ask))
    if "change" in kinds:
        results.append(_field_changes(lead, after, ask))
    if "notification" in kinds:
        results.append(_notifications(lead, user, after, ask))
    horizons = [h for _entries, h in results if h is not None]
    horizon = max(horizons) if horizons else None
    merged = sorted(
        (e for entries, _h in results for e in entries), key=lambda e: e.key, reverse=True
    )
    if horizon is not None:
        merged = [e for e in merged if e.key >= horizon]
    page = merged[:limit]
    more = len(merged) > limit or horizon is not None
    next_cursor = None
    if more:
        last = page[-1].key if page else horizon
        next_cursor = last.encode()
    return TimelinePage(entries=page, next_cursor=next_cursor, kinds=kinds)
