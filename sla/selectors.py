"""Reads of the sla app: the dashboard tiles "Median Erstreaktion" and "SLA verletzt".

Both are one aggregate over the dashboard's leads (period, owner, campaign already
applied): the median is PostgreSQL's `percentile_cont` over `first_response_at -
created_at` (NULLs, i.e. unanswered leads, are ignored), the count uses the list filter's
own rule (`leads.response_sla.state_q`), so a tile's number and the list behind it agree.
The period is a `created_at` range (lead_perf_created_idx); bench/results in the README.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from leads.models import Lead
from leads.response_sla import SlaState, state_q


class Median(Aggregate):
    """percentile_cont(0.5) (PostgreSQL): the median, interpolated, NULLs ignored."""

    function = "percentile_cont"
    template = "percentile_cont(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()
    allow_distinct = False


def _duration():
    return ExpressionWrapper(F("first_response_at") - F("created_at"), output_field=DurationField())


@dataclass
class SlaTile:
    key: str
    title: str
    value: str
    description: str
    variant: str
    url: str


def hours_minutes(value: dt.timedelta | None) -> str:
    """A duration as h:mm ("–" without one)."""
    if value is None:
        return "–"
    minutes = max(0, round(value.total_seconds() / 60))
    return f"{minutes // 60}:{minutes % 60:02d}"


def response_figures(leads: QuerySet[Lead], *, now: dt.datetime | None = None) -> dict:
    """{"median": timedelta | None, "breached": int, "answered": int} in one query."""
    now = now or timezone.now()
    leads = leads.order_by()
    if connection.vendor == "postgresql":
        return leads.aggregate(
            median=Median(_duration()),
            breached=Count("pk", filter=state_q(SlaState.BREACHED, now)),
            answered=Count("first_response_at"),
        )
    figures = leads.aggregate(
        breached=Count("pk", filter=state_q(SlaState.BREACHED, now)),
        answered=Count("first_response_at"),
    )
    # SQLite (dev default): the middle row(s) of the ordered durations, two small queries
    answered = figures["answered"]
    durations = leads.filter(first_response_at__isnull=False).annotate(d=_duration()).order_by("d")
    middle = list(
        durations.values_list("d", flat=True)[max(0, (answered - 1) // 2) : answered // 2 + 1]
    )
    figures["median"] = sum(middle, dt.timedelta()) / len(middle) if middle else None
    return figures


def response_tiles(
    leads: QuerySet[Lead], *, filters: dict, since: dt.datetime | None, now=None
) -> list[SlaTile]:
    """The two tiles for the dashboard; `filters` are its cleaned owner/campaign values,
    `since` the start of its period (the links open the lead list with the same filters)."""
    figures = response_figures(leads, now=now)
    common: list[tuple[str, str]] = []
    if filters.get("owner"):
        common.append(("follow_up_by", str(filters["owner"].pk)))
    if filters.get("campaign"):
        common.append(("campaign", str(filters["campaign"].pk)))
    if since is not None:
        common.append(("created_from", timezone.localdate(since).isoformat()))
    base = reverse("leads:list")
    return [
        SlaTile(
            "sla_median",
            _("Median Erstreaktion"),
            hours_minutes(figures["median"]),
            _("Stunden:Minuten vom Eingang bis zur ersten Reaktion (%(n)s beantwortet)")
            % {"n": figures["answered"]},
            "info",
            f"{base}?{urlencode(common)}" if common else base,
        ),
        SlaTile(
            "sla_breached",
            _("SLA verletzt"),
            str(figures["breached"]),
            _("Erste Reaktion zu spät oder noch ausstehend nach Fristablauf"),
            "danger",
            f"{base}?{urlencode([('sla', SlaState.BREACHED.value), *common])}",
        ),
    ]
