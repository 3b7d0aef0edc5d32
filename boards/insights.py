"""Dashboard charts for learning from lost and stalled leads (issue #17, point 3 and 4):

- "Gründe für verlorene Leads" by source and by owner (lost = LOST_PHASES, leads/models);
- "Wo Leads stocken": median and p90 time in each open status, by source and by owner,
  from the status history (LeadStatusChange);
- "Konversionsrate nach Engagement-Score" (the bands of leads/score_bands.py).

Each function is ONE grouped statement over the given leads. Labels carry the lead-list
filter parameters (`label_params`, series `params`) for the drill-down (boards/drilldown.py).
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Count, F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boards.charts import Chart
from contacts.models import TERMINAL_PHASES, LeadStatus
from leads.models import Lead, LeadSource, LeadStatusChange
from leads.models.lead import LOST_PHASES

NO_SOURCE = _("Ohne Quelle")
NO_OWNER = _("Niemand")
NO_REASON = _("Ohne Grund")
LOST_PHASE_PARAMS = [("phase", phase) for phase in sorted(LOST_PHASES)]

# dimension key -> (lead column, list parameter, empty label)
DIMENSIONS = {
    "source": ("source_id", "source", NO_SOURCE),
    "owner": ("follow_up_by_id", "follow_up_by", NO_OWNER),
}


def _owner_name(first: str | None, last: str | None, username: str | None) -> str:
    return f"{first or ''} {last or ''}".strip() or (username or "")


def _dimension_values(dimension: str) -> tuple[str, ...]:
    if dimension == "source":
        return ("source_id", "source__name", "source__rank")
    return (
        "follow_up_by_id",
        "follow_up_by__first_name",
        "follow_up_by__last_name",
        "follow_up_by__username",
    )


def _dimension_key(dimension: str, row: dict) -> tuple[tuple, int | None, str]:
    """(sort key, id, label) of one grouped row's source or owner."""
    column, _param, empty = DIMENSIONS[dimension]
    pk = row[column]
    if pk is None:
        return (1, 0, ""), None, str(empty)
    if dimension == "source":
        return (0, row["source__rank"], row["source__name"]), pk, row["source__name"]
    name = _owner_name(
        row["follow_up_by__first_name"],
        row["follow_up_by__last_name"],
        row["follow_up_by__username"],
    )
    return (0, 0, name.casefold()), pk, name


def _param(dimension: str, pk: int | None) -> list[tuple[str, str]] | None:
    """The list parameters selecting one source/owner; None where the list has none."""
    _column, param, _empty = DIMENSIONS[dimension]
    if pk is None:
        return [("follow_up_by", "nobody")] if dimension == "owner" else None
    return [(param, str(pk))]


def lost_reasons_by(leads: QuerySet[Lead], dimension: str) -> Chart:
    """Gründe für verlorene Leads by source or owner (stacked: one series per reason)."""
    rows = (
        leads.filter(status__phase__in=sorted(LOST_PHASES))
        .order_by()
        .values(*_dimension_values(dimension), "lost_reason_id", "lost_reason__name")
        .annotate(n=Count("pk"))
    )
    groups: dict[int | None, tuple] = {}
    reasons: dict[int | None, str] = {}
    cells: dict[tuple, int] = {}
    for row in rows:
        key, pk, label = _dimension_key(dimension, row)
        groups[pk] = (key, label)
        reason = row["lost_reason_id"]
        reasons[reason] = row["lost_reason__name"] or str(NO_REASON)
        cells[(pk, reason)] = row["n"]
    group_ids = sorted(groups, key=lambda pk: groups[pk][0])
    reason_ids = sorted(reasons, key=lambda pk: (pk is None, reasons[pk].casefold()))
    by = _("nach Quelle") if dimension == "source" else _("nach Zuständigkeit")
    chart = Chart(
        f"lost_{dimension}",
        f"{_('Gründe für verlorene Leads')} {by}",
        "stacked",
        labels=[groups[pk][1] for pk in group_ids],
    )
    chart.label_params = [_param(dimension, pk) for pk in group_ids]
    for reason in reason_ids:
        chart.series.append(
            {
                "label": reasons[reason],
                "data": [cells.get((pk, reason), 0) for pk in group_ids],
                "params": LOST_PHASE_PARAMS
                + ([("lost_reason", str(reason))] if reason else [("lost_reason", "none")]),
            }
        )
    head = _("Quelle") if dimension == "source" else _("Nachbetreuung durch")
    chart.columns = [str(head), *[reasons[r] for r in reason_ids], str(_("Summe"))]
    for pk in group_ids:
        values = [cells.get((pk, r), 0) for r in reason_ids]
        chart.rows.append([groups[pk][1], *values, sum(values)])
    chart.row_params = [
        None if params is None else [*params, *LOST_PHASE_PARAMS] for params in chart.label_params
    ]
    return chart


def _stay_sql(leads: QuerySet[Lead], column: str, now: dt.datetime) -> tuple[str, list]:
    """Every stay in a status of the given leads: (dimension id, status id, seconds).
    A stay ends at the lead's next change; one still going on ends `now`."""
    # named columns (id, dim): SQLite knows no column list after a derived table's alias
    lead_sql, lead_params = (
        leads.order_by().annotate(dim=F(column)).values_list("id", "dim").query.sql_with_params()
    )
    change = LeadStatusChange._meta.db_table
    # table names from the models, the lead SQL compiled by the ORM (parameters apart)
    stays = f"""
        SELECT l.dim, c.to_status_id AS status_id,
               EXTRACT(EPOCH FROM COALESCE(
                   LEAD(c.changed_at) OVER (PARTITION BY c.lead_id ORDER BY c.changed_at, c.id),
                   %s) - c.changed_at)::double precision AS secs
        FROM {change} c JOIN ({lead_sql}) AS l ON l.id = c.lead_id
    """  # noqa: S608  # nosec B608
    return stays, [now, *lead_params]


def _name_join(dimension: str) -> tuple[str, str]:
    """(LEFT JOIN of the dimension's names, its three name columns)."""
    if dimension == "source":
        return f"LEFT JOIN {LeadSource._meta.db_table} d ON d.id = s.dim", "d.name, d.rank, d.name"
    from accounts.models import User

    return (
        f"LEFT JOIN {User._meta.db_table} d ON d.id = s.dim",
        "d.first_name, d.last_name, d.username",
    )


def _stall_rows(leads: QuerySet[Lead], dimension: str, now: dt.datetime) -> list[tuple]:
    """(dim id, status id, stays, median s, p90 s, status rank, status name, 3 name parts)
    per open status, in one statement."""
    stays, params = _stay_sql(leads, DIMENSIONS[dimension][0], now)
    status = LeadStatus._meta.db_table
    join, names = _name_join(dimension)
    terminal = sorted(TERMINAL_PHASES)
    marks = ", ".join(["%s"] * len(terminal))
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                f"""
                SELECT s.dim, s.status_id, COUNT(*),
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY s.secs),
                       percentile_cont(0.9) WITHIN GROUP (ORDER BY s.secs),
                       st.rank, st.name, {names}
                FROM ({stays}) AS s JOIN {status} st ON st.id = s.status_id {join}
                WHERE st.phase NOT IN ({marks})
                GROUP BY s.dim, s.status_id, st.rank, st.name, {names}
                """,  # noqa: S608  # nosec B608
                [*params, *terminal],
            )
            return cur.fetchall()
        # SQLite (development tier): the same stays, the percentiles in Python
        stays = stays.replace("EXTRACT(EPOCH FROM", "((julianday(").replace(
            "- c.changed_at)::double precision", ") - julianday(c.changed_at)) * 86400.0)"
        )
        cur.execute(
            f"SELECT s.dim, s.status_id, s.secs, st.rank, st.name, {names} "  # noqa: S608  # nosec B608
            f"FROM ({stays}) AS s JOIN {status} st ON st.id = s.status_id {join} "
            f"WHERE st.phase NOT IN ({marks})",
            [*params, *terminal],
        )
        grouped: dict[tuple, list[float]] = {}
        for dim, status_id, secs, *rest in cur.fetchall():
            grouped.setdefault((dim, status_id, *rest), []).append(float(secs))
    return [
        (key[0], key[1], len(v), _percentile(v, 0.5), _percentile(v, 0.9), *key[2:])
        for key, v in grouped.items()
    ]


def _percentile(values: list[float], q: float) -> float:
    """Linear interpolation as PostgreSQL's percentile_cont."""
    ordered = sorted(values)
    pos = q * (len(ordered) - 1)
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def time_in_status_by(
    leads: QuerySet[Lead], dimension: str, *, now: dt.datetime | None = None
) -> Chart:
    """Wo Leads stocken: median (chart) and p90 (table) days in each open status, by source
    or owner, from the status history. One statement (names joined in)."""
    now = now or timezone.now()
    empty = DIMENSIONS[dimension][2]
    rows = _stall_rows(leads, dimension, now)
    names: dict = {}
    statuses: dict = {}
    for dim, sid, _n, _median, _p90, rank, status_name, a, b, c in rows:
        statuses[sid] = (rank, status_name)
        if dim is None:
            names[dim] = ((1, 0, ""), str(empty))
        elif dimension == "source":
            names[dim] = ((0, b, a), a)
        else:
            name = _owner_name(a, b, c)
            names[dim] = ((0, 0, name.casefold()), name)
    groups = sorted(names, key=lambda pk: names[pk][0])
    status_ids = sorted(statuses, key=lambda pk: statuses[pk])
    label = {pk: names[pk][1] for pk in groups}
    cells = {(r[0], r[1]): r for r in rows}
    by = _("nach Quelle") if dimension == "source" else _("nach Zuständigkeit")
    chart = Chart(
        f"stall_{dimension}",
        f"{_('Wo Leads stocken')} {by}",
        "bar",
        labels=[label[pk] for pk in groups],
        note=str(_("Median der Tage je Status; das 90. Perzentil steht in der Tabelle.")),
    )
    chart.label_params = [_param(dimension, pk) for pk in groups]
    for sid in status_ids:
        chart.series.append(
            {
                "label": statuses[sid][1],
                "data": [_days(cells[(pk, sid)][3]) if (pk, sid) in cells else 0 for pk in groups],
                "params": [("status", str(sid))],
            }
        )
    head = _("Quelle") if dimension == "source" else _("Nachbetreuung durch")
    chart.columns = [
        str(head),
        str(_("Status")),
        str(_("Aufenthalte")),
        str(_("Median in Tagen")),
        str(_("90. Perzentil in Tagen")),
    ]
    for index, pk in enumerate(groups):
        for sid in status_ids:
            if (pk, sid) in cells:
                n, median, p90 = cells[(pk, sid)][2:5]
                chart.rows.append([label[pk], statuses[sid][1], n, _days(median), _days(p90)])
                base = chart.label_params[index]
                chart.row_params.append(None if base is None else [*base, ("status", str(sid))])
    return chart


def _days(seconds: float | None) -> float:
    return round((seconds or 0.0) / 86400, 1)
