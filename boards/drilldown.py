"""Drill-down of the dashboard charts: every bar, slice and table row links to the lead
list (`leads:list`) with the list's own filter parameters (leads/filters.py), so the number
in the chart and the count of the list agree.

The charts carry the parameters of their labels and series (`Chart.label_params`, series
`params`, `Chart.row_params`); the dashboard's own filters (owner, campaign, period) are
added here, per request, so precomputed charts link correctly too.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from boards.charts import Chart

Params = list[tuple[str, str]]


def _url(base: str, common: Params, *parts: Params | None) -> str | None:
    if any(part is None for part in parts):
        return None
    own = [pair for part in parts for pair in part]
    keys = {key for key, _value in own}
    if not own:
        return None
    return f"{base}?{urlencode([*own, *[(k, v) for k, v in common if k not in keys]])}"


def attach_links(charts: list[Chart], common: Params) -> None:
    """Set `links` (series × labels) and `row_links` of every chart that has parameters."""
    base = reverse("leads:list")
    for chart in charts:
        if not chart.label_params:
            continue
        chart.links = [
            [_url(base, common, label, series.get("params", [])) for label in chart.label_params]
            for series in chart.series
        ]
        rows = chart.row_params or (
            chart.label_params if len(chart.label_params) == len(chart.rows) else []
        )
        chart.row_links = [_url(base, common, params) for params in rows]
