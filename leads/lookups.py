"""The admin-maintained choice lists of the lead screens, read in one query.

The lead list, board and mask offer statuses, sources, types, interests, campaigns and the
responsible users as choices. Each list is a small table, but a query per list (users twice)
made up most of a page's queries. `choice_lists()` reads all of them with one UNION ALL
(each part numbered in its model's own order by ROW_NUMBER), and the forms set their widgets'
choices from it. Validation of a submitted id still asks the database, so a stale or forged
id is refused exactly as before.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import CharField, F, QuerySet, Value, Window
from django.db.models.functions import Coalesce, Concat, NullIf, RowNumber, Trim

from accounts.models import Role, User
from contacts.models import LeadStatus
from leads.models import Campaign, Interest, LeadSource, LeadType, LostReason

STAFF_ROLES = (Role.SALES, Role.SALES_MANAGER, Role.MARKETING)


@dataclass(frozen=True)
class Choice:
    pk: int
    label: str
    active: bool
    extra: str = ""  # a status's phase


@dataclass(frozen=True)
class ChoiceLists:
    by_kind: dict[str, list[Choice]]

    def __getitem__(self, kind: str) -> list[Choice]:
        return self.by_kind.get(kind, [])

    def options(self, kind: str, *, active_only=False, keep=None) -> list[tuple[int, str]]:
        """(pk, label) pairs for a widget; `keep` stays even when inactive (the saved one)."""
        return [
            (c.pk, c.label)
            for c in self[kind]
            if not active_only or c.active or (keep is not None and c.pk == keep)
        ]


def _part(queryset: QuerySet, kind: str, label, order: list, active=None, extra=None):
    return (
        queryset.order_by()
        .annotate(
            lk_kind=Value(kind, output_field=CharField()),
            lk_label=label,
            lk_active=active if active is not None else F("active"),
            lk_extra=extra if extra is not None else Value("", output_field=CharField()),
            lk_pos=Window(RowNumber(), order_by=order),
        )
        .values_list("lk_kind", "pk", "lk_label", "lk_active", "lk_extra", "lk_pos")
    )


def staff_users() -> QuerySet:
    """Active users in a sales or marketing role: who can be responsible for a lead (the
    querysets of the Zuständigkeiten fields, which validate a submitted id)."""
    return (
        User.objects.filter(is_active=True, groups__name__in=STAFF_ROLES)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def _user_part():
    full_name = Trim(Concat("first_name", Value(" "), "last_name", output_field=CharField()))
    # one row per user although the role join may repeat them: ids of the role members
    members = staff_users().values("pk")
    return _part(
        User.objects.filter(pk__in=members),
        "user",
        Coalesce(NullIf(full_name, Value("")), F("username"), output_field=CharField()),
        [F("first_name").asc(), F("last_name").asc(), F("username").asc()],
        active=Value(True),
    )


def _union() -> QuerySet:
    by_rank = [F("rank").asc(), F("name").asc()]
    parts = [
        _part(LeadStatus.objects.all(), "status", F("name"), by_rank, extra=F("phase")),
        _part(LeadSource.objects.all(), "source", F("name"), by_rank),
        _part(LeadType.objects.all(), "type", F("name"), by_rank),
        _part(Interest.objects.all(), "interest", F("name"), by_rank),
        _part(LostReason.objects.all(), "lost_reason", F("name"), by_rank),
        _part(
            Campaign.objects.all(),
            "campaign",
            F("name"),
            [F("start_date").desc(), F("name").asc()],
        ),
        _user_part(),
    ]
    return parts[0].union(*parts[1:], all=True)


@lru_cache(maxsize=8)
def _compiled(alias: str, vendor: str) -> tuple[str, tuple]:
    """The UNION's SQL, compiled once per database: building its six window expressions
    with the ORM cost more than running it."""
    return _union().query.get_compiler(using=alias).as_sql()


def choice_lists(using: str = DEFAULT_DB_ALIAS) -> ChoiceLists:
    """All choice lists of the lead screens, one query."""
    connection = connections[using]
    sql, params = _compiled(using, connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    by_kind: dict[str, list[tuple[int, Choice]]] = defaultdict(list)
    for kind, pk, label, active, extra, pos in rows:
        by_kind[kind].append((pos, Choice(pk, label, bool(active), extra or "")))
    return ChoiceLists(
        {
            kind: [c for _pos, c in sorted(items, key=lambda i: i[0])]
            for kind, items in by_kind.items()
        }
    )
