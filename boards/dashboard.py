"""The figures of the dashboard "Auswertungen von Leads" (seed 002, Standardboards).

Every function takes the leads to evaluate (already filtered by period, owner, campaign)
and answers with ONE grouped query, returning plain data: a `Chart` with labels, series
and the same numbers as a table (for screen readers and the CSV export). Nothing here
renders or knows about requests, so the numbers are tested on a hand-built data set.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from boards import insights
from boards.charts import Chart, pct
from boards.history import FUNNEL_STEPS, average_time_in_status, sales_funnel
from contacts.models import TERMINAL_PHASES, Phase
from leads.models import Lead, LeadQuerySet
from leads.score_bands import ScoreBand, band_condition, band_ranges, thresholds

__all__ = ["FUNNEL_STEPS", "Chart", "average_time_in_status", "sales_funnel"]

NO_SOURCE = _("Ohne Quelle")
NO_TYPE = _("Ohne Typ")
OPEN = ~Q(status__phase__in=TERMINAL_PHASES)


# --- score tiles -------------------------------------------------------------------------
@dataclass
class Tile:
    key: str
    title: str
    value: int
    description: str
    variant: str


def tile_counts(leads: QuerySet[Lead], *, now: dt.datetime | None = None) -> dict[str, int]:
    """The five score tiles in one aggregate query. Definitions (also used for the links):

    - overdue: `LeadQuerySet.overdue_condition` (the rule of `Lead.follow_up_overdue`);
    - high_score: open leads in the "hoch" score band (leads/score_bands.py);
    - unassigned: open leads without "Nachbetreuung durch";
    - stale: open leads marked stale by the nightly job (`is_stale`);
    - new: leads created on or after today - LEADCRM["NEW_LEAD_DAYS"] days.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    return leads.aggregate(
        overdue=Count("pk", filter=LeadQuerySet.overdue_condition(today)),
        high_score=Count("pk", filter=OPEN & band_condition(ScoreBand.HIGH)),
        unassigned=Count("pk", filter=OPEN & Q(follow_up_by__isnull=True)),
        stale=Count("pk", filter=OPEN & Q(is_stale=True)),
        new=Count("pk", filter=Q(created_at__date__gte=new_since(today))),
    )


def new_since(today: dt.date) -> dt.date:
    """First day that counts as "neu angelegt" (the lead list's `created_from`)."""
    return today - dt.timedelta(days=settings.LEADCRM["NEW_LEAD_DAYS"])


TILES = [
    ("overdue", _("Überfällige Leads"), _("Offen, „Nachbetreuung bis“ überschritten"), "danger"),
    (
        "high_score",
        _("Offene Leads mit hohem Lead-Score"),
        _("Lead-Score ab %(threshold)s"),
        "success",
    ),
    (
        "unassigned",
        _("Leads ohne Zuständigkeit"),
        _("Offen, keine „Nachbetreuung durch“"),
        "warning",
    ),
    (
        "stale",
        _("Veraltete Leads"),
        _("Offen und seit %(stale)s Tagen ohne Aktivität"),
        "secondary",
    ),
    ("new", _("Neu angelegte Leads"), _("Angelegt in den letzten %(days)s Tagen"), "info"),
]


def tiles(leads: QuerySet[Lead], *, now: dt.datetime | None = None) -> list[Tile]:
    counts = tile_counts(leads, now=now)
    conf = settings.LEADCRM
    params = {
        "threshold": thresholds()[1],
        "stale": conf["STALE_AFTER_DAYS"],
        "days": conf["NEW_LEAD_DAYS"],
    }
    return [
        Tile(key, str(title), counts[key], str(description) % params, variant)
        for key, title, description, variant in TILES
    ]


# --- periods ------------------------------------------------------------------------------
# The "Angelegt im Zeitraum" choices of the dashboard ("" = all): the current-state charts
# count the leads created since the period's start; tiles and the closed-per-month chart
# bring their own time window.
PERIOD_KEYS = ("", "30", "90", "365", "year")


def period_since(period: str, today: dt.date | None = None) -> dt.datetime | None:
    """Local midnight of the period's first day (a timestamp: an index range scan), or None."""
    if period not in PERIOD_KEYS or not period:
        return None
    today = today or timezone.localdate()
    start = (
        today.replace(month=1, day=1)
        if period == "year"
        else today - dt.timedelta(days=int(period))
    )
    return timezone.make_aware(dt.datetime.combine(start, dt.time.min))


# --- charts ------------------------------------------------------------------------------
def leads_by_status_and_source(leads: QuerySet[Lead]) -> Chart:
    """Aktuelle Anzahl Leads nach Ergebnis (status), aufgeteilt nach Quelle (stacked bars)."""
    rows = (
        leads.order_by()
        .values(
            "status_id", "status__name", "status__rank", "source_id", "source__name", "source__rank"
        )
        .annotate(n=Count("pk"))
    )
    statuses: dict[int, tuple] = {}
    sources: dict[int | None, tuple] = {}
    cells: dict[tuple, int] = {}
    for row in rows:
        statuses[row["status_id"]] = (row["status__rank"], row["status__name"])
        sources[row["source_id"]] = (
            (0, row["source__rank"], row["source__name"]) if row["source_id"] else (1, 0, "")
        )
        cells[(row["status_id"], row["source_id"])] = row["n"]
    status_ids = sorted(statuses, key=lambda pk: statuses[pk])
    source_ids = sorted(sources, key=lambda pk: sources[pk])
    names = {pk: (sources[pk][2] if pk else str(NO_SOURCE)) for pk in source_ids}
    chart = Chart(
        "status_source",
        _("Aktuelle Anzahl Leads nach Ergebnis und Quelle"),
        "stacked",
        labels=[statuses[pk][1] for pk in status_ids],
    )
    chart.label_params = [[("status", str(pk))] for pk in status_ids]
    for source_id in source_ids:
        chart.series.append(
            {
                "label": names[source_id],
                "data": [cells.get((status_id, source_id), 0) for status_id in status_ids],
                "params": [("source", str(source_id))] if source_id else None,
            }
        )
    chart.columns = [str(_("Status")), *[names[pk] for pk in source_ids], str(_("Summe"))]
    for status_id in status_ids:
        values = [cells.get((status_id, pk), 0) for pk in source_ids]
        chart.rows.append([statuses[status_id][1], *values, sum(values)])
    return chart


def _pie(key: str, title, items: list[tuple[str, int]], params: list | None = None) -> Chart:
    """A share chart of (label, count) items in their display order; `params` the lead-list
    parameters of each item (drill-down)."""
    total = sum(n for _label, n in items)
    chart = Chart(key, title, "pie", labels=[label for label, _n in items])
    chart.label_params = params or []
    chart.series = [{"label": str(_("Leads")), "data": [n for _label, n in items]}]
    chart.columns = [str(_("Name")), str(_("Anzahl")), str(_("Anteil in %"))]
    chart.rows = [[label, n, pct(n, total)] for label, n in items]
    return chart


def _share(leads, key: str, title, relation: str, empty_label) -> Chart:
    rows = (
        leads.order_by()
        .values(f"{relation}_id", f"{relation}__name", f"{relation}__rank")
        .annotate(n=Count("pk"))
    )
    items = sorted(
        (
            (0, r[f"{relation}__rank"], r[f"{relation}__name"], r["n"], r[f"{relation}_id"])
            if r[f"{relation}_id"]
            else (1, 0, str(empty_label), r["n"], None)
            for r in rows
        ),
    )
    params = [[(relation, str(item[4]))] if item[4] else None for item in items]
    return _pie(key, title, [(item[2], item[3]) for item in items], params)


def share_by_source(leads: QuerySet[Lead], *, status_source: Chart | None = None) -> Chart:
    """Aktueller Anteil Leads nach Quelle (pie). From the status × source chart when it is
    at hand (its columns are the sources in the same order): one grouped query less."""
    title = _("Anteil Leads nach Quelle")
    if status_source is None:
        return _share(leads, "source_share", title, "source", NO_SOURCE)
    sources = status_source.columns[1:-1]
    totals = [sum(row[1 + i] for row in status_source.rows) for i in range(len(sources))]
    params = [s.get("params") for s in status_source.series]
    return _pie("source_share", title, list(zip(sources, totals, strict=True)), params)


def share_by_type(leads: QuerySet[Lead]) -> Chart:
    """Aktueller Anteil Leads nach Typ (pie)."""
    return _share(leads, "type_share", _("Anteil Leads nach Typ"), "type", NO_TYPE)


def _month_starts(today: dt.date, months: int) -> list[dt.date]:
    first = today.replace(day=1)
    starts = []
    for _i in range(months):
        starts.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return list(reversed(starts))


def closed_per_month(
    leads: QuerySet[Lead], *, today: dt.date | None = None, months: int = 6
) -> Chart:
    """Abgeschlossene Leads der letzten sechs Monate (line): per month of `closed_at`, one
    line per terminal status and the total. The current month counts as one of the six."""
    today = today or timezone.localdate()
    starts = _month_starts(today, months)
    since = timezone.make_aware(dt.datetime.combine(starts[0], dt.time.min))
    rows = (
        leads.filter(closed_at__gte=since, status__phase__in=TERMINAL_PHASES)
        .order_by()
        .annotate(month=TruncMonth("closed_at"))
        .values("month", "status__name", "status__rank")
        .annotate(n=Count("pk"))
    )
    per_status: dict[tuple, dict[dt.date, int]] = {}
    for row in rows:
        month = row["month"]
        month = month.date() if isinstance(month, dt.datetime) else month
        per_status.setdefault((row["status__rank"], row["status__name"]), {})[month] = row["n"]
    labels = [date_format(start, "M Y") for start in starts]
    chart = Chart(
        "closed_months", _("Abgeschlossene Leads der letzten 6 Monate"), "line", labels=labels
    )
    totals = [0] * len(starts)
    for key in sorted(per_status):
        data = [per_status[key].get(start, 0) for start in starts]
        totals = [a + b for a, b in zip(totals, data, strict=True)]
        chart.series.append({"label": key[1], "data": data})
    chart.series.insert(0, {"label": str(_("Gesamt")), "data": totals})
    chart.columns = [str(_("Monat")), *[str(s["label"]) for s in chart.series]]
    chart.rows = [[label, *[s["data"][i] for s in chart.series]] for i, label in enumerate(labels)]
    return chart


def conversion_by_source(leads: QuerySet[Lead]) -> Chart:
    """Konversionsrate nach Quelle: converted / all leads of the source, in percent."""
    rows = (
        leads.order_by()
        .values("source_id", "source__name", "source__rank")
        .annotate(total=Count("pk"), converted=Count("pk", filter=Q(status__phase=Phase.CONVERTED)))
    )
    items = sorted(
        (0, r["source__rank"], r["source__name"], r["total"], r["converted"], r["source_id"])
        if r["source_id"]
        else (1, 0, str(NO_SOURCE), r["total"], r["converted"], None)
        for r in rows
    )
    chart = Chart(
        "conversion_source", _("Konversionsrate nach Quelle"), "bar", labels=[i[2] for i in items]
    )
    chart.label_params = [[("source", str(i[5]))] if i[5] else None for i in items]
    chart.series = [
        {"label": str(_("Konversionsrate in %")), "data": [pct(i[4], i[3]) or 0 for i in items]}
    ]
    chart.columns = [
        str(_("Quelle")),
        str(_("Leads")),
        str(_("Konvertiert")),
        str(_("Konversionsrate in %")),
    ]
    chart.rows = [[i[2], i[3], i[4], pct(i[4], i[3])] for i in items]
    return chart


SCORE_FIELDS = {  # score field -> (chart key, title, first column, list parameter prefix)
    "score": ("conversion_score", _("Konversionsrate nach Lead-Score"), _("Lead-Score"), "score"),
    "engagement_score": (
        "conversion_engagement",
        _("Konversionsrate nach Engagement-Score"),
        _("Engagement-Score"),
        "engagement",
    ),
}


def conversion_by_score_band(leads: QuerySet[Lead], field: str = "score") -> Chart:
    """Konversionsrate nach Lead-Score-Band (fit `score` or `engagement_score`; the bands of
    leads/score_bands.py)."""
    key, title, column, prefix = SCORE_FIELDS[field]
    bands = band_ranges()
    band = Case(
        *[
            When(band_condition(name, field), then=Value(index))
            for index, (name, _lo, _hi) in enumerate(bands)
        ],
        output_field=IntegerField(),
    )
    rows = (
        leads.order_by()
        .annotate(band=band)
        .values("band")
        .annotate(total=Count("pk"), converted=Count("pk", filter=Q(status__phase=Phase.CONVERTED)))
    )
    by_band = {r["band"]: r for r in rows}
    labels = [f"{low}–{high}" for _name, low, high in bands]
    chart = Chart(key, title, "bar", labels=labels)
    chart.label_params = [
        [(f"{prefix}_min", str(low)), (f"{prefix}_max", str(high))] for _n, low, high in bands
    ]
    totals = [by_band.get(i, {}).get("total", 0) for i in range(len(bands))]
    converted = [by_band.get(i, {}).get("converted", 0) for i in range(len(bands))]
    rates = [pct(c, t) for c, t in zip(converted, totals, strict=True)]
    chart.series = [{"label": str(_("Konversionsrate in %")), "data": [r or 0 for r in rates]}]
    chart.columns = [
        str(column),
        str(_("Leads")),
        str(_("Konvertiert")),
        str(_("Konversionsrate in %")),
    ]
    chart.rows = [list(row) for row in zip(labels, totals, converted, rates, strict=True)]
    return chart


CHARTS = [
    leads_by_status_and_source,
    share_by_source,
    share_by_type,
    closed_per_month,
    sales_funnel,
    average_time_in_status,
    conversion_by_source,
    conversion_by_score_band,
]


def conversion_by_engagement_band(leads: QuerySet[Lead]) -> Chart:
    return conversion_by_score_band(leads, "engagement_score")


def lost_by_source(leads: QuerySet[Lead]) -> Chart:
    return insights.lost_reasons_by(leads, "source")


def lost_by_owner(leads: QuerySet[Lead]) -> Chart:
    return insights.lost_reasons_by(leads, "owner")


def stall_by_source(leads: QuerySet[Lead]) -> Chart:
    return insights.time_in_status_by(leads, "source")


def stall_by_owner(leads: QuerySet[Lead]) -> Chart:
    return insights.time_in_status_by(leads, "owner")


CHARTS += [
    conversion_by_engagement_band,
    lost_by_source,
    lost_by_owner,
    stall_by_source,
    stall_by_owner,
]


def all_charts(leads: QuerySet[Lead], *, closed: QuerySet[Lead] | None = None) -> list[Chart]:
    """Every chart of the dashboard, in its order; `closed` (default `leads`) are the leads of
    the closed-per-month chart, which brings its own period. One grouped query per chart,
    but the source share, which is read off the status × source grouping."""
    status_source = leads_by_status_and_source(leads)
    charts = {
        leads_by_status_and_source: status_source,
        share_by_source: share_by_source(leads, status_source=status_source),
        closed_per_month: closed_per_month(closed if closed is not None else leads),
    }
    return [charts[build] if build in charts else build(leads) for build in CHARTS]


def chart_by_key(leads: QuerySet[Lead], key: str) -> Chart | None:
    keys = {
        "status_source": leads_by_status_and_source,
        "source_share": share_by_source,
        "type_share": share_by_type,
        "closed_months": closed_per_month,
        "funnel": sales_funnel,
        "status_time": average_time_in_status,
        "conversion_source": conversion_by_source,
        "conversion_score": conversion_by_score_band,
        "conversion_engagement": conversion_by_engagement_band,
        "lost_source": lost_by_source,
        "lost_owner": lost_by_owner,
        "stall_source": stall_by_source,
        "stall_owner": stall_by_owner,
    }
    build = keys.get(key)
    return build(leads) if build else None
