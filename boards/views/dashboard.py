"""The dashboard "Auswertungen von Leads": score tiles, charts with tables, CSV export.

The view only parses the filters and hands the filtered leads to `boards.dashboard`;
every figure there is one grouped query, so the page costs the same for 100 or 1,000,000
leads. The tiles link to the lead list filtered with the list's own parameters
(`leads.filters.LeadFilter`), so a tile's number and the list behind it agree.
"""

from __future__ import annotations

import csv
import datetime as dt
from urllib.parse import urlencode

from django import forms
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.permissions import role_required
from boards import dashboard
from boards.drilldown import attach_links
from boards.selectors import board_leads
from boards.summary import cached_summary
from boards.views.board import wants_fragment
from contacts.models import TERMINAL_PHASES, Phase
from leads.lookups import choice_lists, staff_users
from leads.models import Campaign, Lead
from leads.score_bands import thresholds
from sla.selectors import response_tiles
from ui.replica import reads_from_replica
from ui.spreadsheet import neutralise

PERIODS = [
    ("", _("Gesamter Zeitraum")),
    ("30", _("Letzte 30 Tage")),
    ("90", _("Letzte 90 Tage")),
    ("365", _("Letzte 12 Monate")),
    ("year", _("Dieses Jahr")),
]
OPEN_PHASES = [phase for phase in Phase.values if phase not in TERMINAL_PHASES]


class DashboardFilterForm(forms.Form):
    period = forms.ChoiceField(label=_("Angelegt im Zeitraum"), choices=PERIODS, required=False)
    owner = forms.ModelChoiceField(
        label=_("Nachbetreuung durch"),
        queryset=None,
        required=False,
        empty_label=_("Alle"),
    )
    campaign = forms.ModelChoiceField(
        label=_("Kampagne"), queryset=Campaign.objects.all(), required=False, empty_label=_("Alle")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)

        self.fields["owner"].queryset = staff_users()
        # the options from the one choice-list query; the querysets validate a submitted id
        lists = choice_lists()
        blank = [("", _("Alle"))]
        self.fields["owner"].widget.choices = blank + lists.options("user")
        self.fields["campaign"].widget.choices = blank + lists.options("campaign")
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm js-autosubmit"

    @property
    def chosen_period(self) -> str:
        return (self.cleaned_data.get("period") or "") if self.is_valid() else ""

    @property
    def narrows_leads(self) -> bool:
        """A filter by owner or campaign (computed live; a period alone is precomputed)."""
        return self.is_valid() and bool(
            self.cleaned_data.get("owner") or self.cleaned_data.get("campaign")
        )


def _filtered(request: HttpRequest) -> tuple[DashboardFilterForm, QuerySet[Lead], QuerySet[Lead]]:
    """(form, leads for the current-state charts, leads for tiles and the closed chart).

    Owner and campaign apply everywhere; the period (creation date) only to the charts of
    the current state, as the tiles and "last six months" carry their own time window.
    """
    form = DashboardFilterForm(request.GET or None)
    leads = board_leads(request.user)
    if form.is_valid():
        if form.cleaned_data["owner"]:
            leads = leads.filter(follow_up_by=form.cleaned_data["owner"])
        if form.cleaned_data["campaign"]:
            leads = leads.filter(campaign=form.cleaned_data["campaign"])
    without_period = leads
    since = dashboard.period_since(form.chosen_period)
    if since:
        leads = leads.filter(created_at__gte=since)
    return form, leads, without_period


def tile_links(form: DashboardFilterForm, *, today: dt.date | None = None) -> dict[str, str]:
    """The lead-list URL behind each tile, in the list's own filter parameters."""
    base = reverse("leads:list")
    today = today or timezone.localdate()
    common: list[tuple[str, str]] = []
    if form.is_valid():
        if form.cleaned_data["owner"]:
            common.append(("follow_up_by", str(form.cleaned_data["owner"].pk)))
        if form.cleaned_data["campaign"]:
            common.append(("campaign", str(form.cleaned_data["campaign"].pk)))
    open_phases = [("phase", phase) for phase in OPEN_PHASES]
    new_since = dashboard.new_since(today)
    params = {
        "overdue": [*open_phases, ("overdue", "1")],
        "high_score": [*open_phases, ("score_min", str(thresholds()[1]))],
        "unassigned": [*open_phases, ("follow_up_by", "nobody")],
        "stale": [*open_phases, ("stale", "1")],
        "new": [("created_from", new_since.isoformat())],
    }
    links = {}
    for key, extra in params.items():
        query = [(k, v) for k, v in common if not (key == "unassigned" and k == "follow_up_by")]
        links[key] = f"{base}?{urlencode(extra + query)}"
    return links


def drilldown_params(form: DashboardFilterForm) -> list[tuple[str, str]]:
    """The dashboard's filters as lead-list parameters (owner, campaign, creation period);
    the closed-per-month chart is not linked, so the period always means `created_from`."""
    if not form.is_valid():
        return []
    params = []
    if form.cleaned_data["owner"]:
        params.append(("follow_up_by", str(form.cleaned_data["owner"].pk)))
    if form.cleaned_data["campaign"]:
        params.append(("campaign", str(form.cleaned_data["campaign"].pk)))
    since = dashboard.period_since(form.chosen_period)
    if since:
        params.append(("created_from", timezone.localdate(since).isoformat()))
    return params


@require_GET
@role_required()
@reads_from_replica
def lead_dashboard(request: HttpRequest) -> HttpResponse:
    form, leads, without_period = _filtered(request)
    precomputed = not form.is_bound or (form.is_valid() and not form.narrows_leads)
    # by beat, per period (boards/summary.py); a filter by owner or campaign is live
    summary = cached_summary(form.chosen_period) if precomputed else None
    if summary:
        tiles, charts = summary["tiles"], summary["charts"]
    else:
        tiles = dashboard.tiles(without_period)
        charts = dashboard.all_charts(leads, closed=without_period)
    links = tile_links(form)
    for tile in tiles:
        tile.url = links.get(tile.key, "")
    attach_links(charts, drilldown_params(form))
    context = {
        "summary_at": summary["built_at"] if summary else None,
        "form": form,
        "tiles": tiles,
        "charts": charts,
        "query": request.GET.urlencode(),
        "threshold": thresholds()[1],
        "sla_tiles": response_tiles(
            leads,
            filters=form.cleaned_data if form.is_valid() else {},
            since=dashboard.period_since(form.chosen_period),
        ),
    }
    template = "boards/dashboard.html"
    if wants_fragment(request):
        template += "#dashboard"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")  # German spreadsheets read a decimal comma
    if isinstance(value, int):
        return str(value)
    return neutralise(value)  # names (status, source) come from users: no formula injection


@require_GET
@role_required()
@reads_from_replica
def lead_dashboard_csv(request: HttpRequest, key: str) -> HttpResponse:
    _form, leads, without_period = _filtered(request)
    chart = dashboard.chart_by_key(without_period if key == "closed_months" else leads, key)
    if chart is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="auswertung-{key}-{stamp}.csv"'
    response.write("\ufeff")  # BOM: Excel then opens the umlauts correctly
    writer = csv.writer(response, delimiter=";")
    writer.writerow([_csv_value(str(chart.title))])
    writer.writerow([_csv_value(str(column)) for column in chart.columns])
    for row in chart.rows:
        writer.writerow([_csv_value(value) for value in row])
    return response
