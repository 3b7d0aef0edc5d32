"""Dashboard figures from the status history (LeadStatusChange): the sales funnel and the
average time in each status. Both read the whole history of the selected leads, so both
are written as one grouped statement without per-row subqueries or window functions.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boards.charts import Chart, pct
from contacts.models import TERMINAL_PHASES, Phase
from leads.models import Lead, LeadStatusChange

# The funnel steps: a lead has reached a step when its status history reached one of the
# step's phases (every lead enters the history with its first status, so "Offen" is every
# lead with a history). A lead that skipped a step still counts for it, so each step is a
# subset of the one before.
FUNNEL_STEPS = [
    ("open", _("Offen"), None),
    (
        "contacted",
        _("Kontaktiert"),
        {Phase.WORKING, Phase.QUALIFIED, Phase.REVISIT, Phase.CONVERTED},
    ),
    ("qualified", _("Qualifiziert"), {Phase.QUALIFIED, Phase.CONVERTED}),
    ("converted", _("Konvertiert"), {Phase.CONVERTED}),
]


def _step_case() -> Case:
    """The furthest funnel step the status of a history row stands for (0 = only Offen)."""
    whens = [
        When(to_status__phase__in=sorted(phases), then=Value(index))
        for index, (_key, _label, phases) in reversed(list(enumerate(FUNNEL_STEPS)))
        if phases
    ]
    return Case(*whens, default=Value(0), output_field=IntegerField())


def sales_funnel(leads: QuerySet[Lead]) -> Chart:
    """Vertriebstrichter from the status history: leads that reached Offen → Kontaktiert →
    Qualifiziert → Konvertiert, with the rate from step to step.

    A lead counts for every step up to the furthest one its history reached (one that
    jumped from Offen to Qualifiziert was also "contacted"). One query: the furthest step
    per lead (GROUP BY lead over the history, no per-lead subquery), then counted.
    """
    furthest = (
        LeadStatusChange.objects.filter(lead__in=leads.order_by().values("pk"))
        .order_by()
        .values("lead_id")
        .annotate(top=Max(_step_case()))
    )
    counts = furthest.aggregate(
        **{
            key: Count("lead_id", filter=Q(top__gte=index)) if index else Count("lead_id")
            for index, (key, _label, _phases) in enumerate(FUNNEL_STEPS)
        }
    )
    chart = Chart(
        "funnel", _("Vertriebstrichter"), "funnel", labels=[str(s[1]) for s in FUNNEL_STEPS]
    )
    values = [counts[key] or 0 for key, _l, _p in FUNNEL_STEPS]
    chart.series = [{"label": str(_("Leads")), "data": values}]
    chart.columns = [
        str(_("Stufe")),
        str(_("Leads")),
        str(_("Quote zur Vorstufe in %")),
        str(_("Quote gesamt in %")),
    ]
    for i, (label, value) in enumerate(zip(chart.labels, values, strict=True)):
        step_rate = pct(value, values[i - 1]) if i else None
        chart.rows.append([label, value, step_rate, pct(value, values[0])])
        shown = f"{label} ({step_rate:.1f} %)".replace(".", ",") if step_rate is not None else label
        chart.display_labels.append(shown)
    return chart


class Epoch(Func):
    """Seconds since 1970 as a float, for sums of timestamps (no interval overflow)."""

    output_field = FloatField()

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"EXTRACT(EPOCH FROM {sql})::double precision", params

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"((julianday({sql}) - 2440587.5) * 86400.0)", params


def average_time_in_status(leads: QuerySet[Lead], *, now: dt.datetime | None = None) -> Chart:
    """Durchschnittliche Verweildauer je Status in Tagen, from the status history.

    A stay in S starts at a change *to* S and ends at the next change, which is recorded
    *from* S (the services write `from_status` = the previous status); a stay still going
    on ends now. So, per status, without pairing rows (no window, no per-row subquery):
        total time = sum(changes from S) + now * (entries - exits) - sum(changes to S)
    and the average is total / entries. Terminal statuses are left out (leads stay there).
    One statement: the two grouped sums as UNION ALL.
    """
    now = now or timezone.now()
    changes = LeadStatusChange.objects.filter(lead__in=leads.order_by().values("pk")).order_by()
    entries = (
        changes.values(
            status=F("to_status_id"),
            name=F("to_status__name"),
            rank=F("to_status__rank"),
            phase=F("to_status__phase"),
        )
        .annotate(
            n_in=Count("pk"),
            t_in=Sum(Epoch("changed_at")),
            n_out=Value(0, output_field=IntegerField()),
            t_out=Value(0.0, output_field=FloatField()),
        )
        .values_list("status", "name", "rank", "phase", "n_in", "t_in", "n_out", "t_out")
    )
    exits = (
        changes.filter(from_status__isnull=False)
        .values(
            status=F("from_status_id"),
            name=F("from_status__name"),
            rank=F("from_status__rank"),
            phase=F("from_status__phase"),
        )
        .annotate(
            n_in=Value(0, output_field=IntegerField()),
            t_in=Value(0.0, output_field=FloatField()),
            n_out=Count("pk"),
            t_out=Sum(Epoch("changed_at")),
        )
        .values_list("status", "name", "rank", "phase", "n_in", "t_in", "n_out", "t_out")
    )
    totals: dict[tuple, list[float]] = {}
    for status_id, name, rank, phase, n_in, t_in, n_out, t_out in entries.union(exits, all=True):
        if phase in TERMINAL_PHASES:
            continue
        row = totals.setdefault((rank, name, status_id), [0, 0.0, 0, 0.0])
        row[0] += n_in
        row[1] += t_in or 0.0
        row[2] += n_out
        row[3] += t_out or 0.0
    now_epoch = now.timestamp()
    chart = Chart("status_time", _("Durchschnittliche Zeit je Status"), "bar")
    days = []
    for (_rank, name, _pk), (n_in, t_in, n_out, t_out) in sorted(totals.items()):
        if not n_in:
            continue
        seconds = (t_out + now_epoch * (n_in - n_out) - t_in) / n_in
        chart.labels.append(name)
        days.append(round(seconds / 86400, 1))
        chart.rows.append([name, days[-1], n_in])
    chart.series = [{"label": str(_("Tage (Durchschnitt)")), "data": days}]
    chart.columns = [str(_("Status")), str(_("Tage (Durchschnitt)")), str(_("Aufenthalte"))]
    return chart
