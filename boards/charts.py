"""The shape every dashboard figure comes in: labels, series and the same numbers as a
table (for screen readers and the CSV export)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass
class Chart:
    key: str
    title: str
    kind: str  # bar | stacked | pie | line | funnel
    labels: list[str] = field(default_factory=list)
    series: list[dict[str, Any]] = field(default_factory=list)  # {"label", "data", "colour"?}
    columns: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    note: str = ""
    display_labels: list[str] = field(default_factory=list)  # for the chart only
    # drill-down (boards/drilldown.py): the lead-list parameters of each label, each series
    # (`series[i]["params"]`) and each table row; None = the list has no such filter
    label_params: list[list[tuple[str, str]] | None] = field(default_factory=list)
    row_params: list[list[tuple[str, str]] | None] = field(default_factory=list)
    links: list[list[str | None]] = field(default_factory=list)  # series x labels
    row_links: list[str | None] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": str(self.title),
            "labels": [str(label) for label in (self.display_labels or self.labels)],
            "series": [
                {**{k: v for k, v in s.items() if k != "params"}, "label": str(s["label"])}
                for s in self.series
            ],
            "links": self.links,
            "linkLabel": str(_("Leads anzeigen")),
        }

    @property
    def table_rows(self) -> list[tuple[str | None, list[Any]]]:
        """(link of the row or None, row): the table under the chart."""
        links = self.row_links or [None] * len(self.rows)
        return list(zip(links, self.rows, strict=False))

    def value(self, series_label: str, label: str) -> Any:
        """The number of one series at one label (tests and callers read figures this way)."""
        index = [str(x) for x in self.labels].index(label)
        for s in self.series:
            if str(s["label"]) == series_label:
                return s["data"][index]
        raise KeyError(series_label)


def pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None
