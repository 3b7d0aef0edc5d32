"""The opportunity list [Verkaufschancen]: filters, a page of rows, count and sum."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.permissions import role_required
from opportunities import selectors
from opportunities.forms import OpportunityFilterForm


def page_number(request: HttpRequest) -> int:
    value = request.GET.get("page", "1")
    return int(value) if value.isdecimal() and len(value) < 7 else 1


@require_GET
@role_required()
def opportunity_list(request: HttpRequest) -> HttpResponse:
    form = OpportunityFilterForm(request.GET or None)
    form.is_valid()  # invalid filters are shown above the list and ignored
    filters = form.cleaned_data if form.is_bound else {}
    qs = selectors.opportunity_list(filters=filters, user=request.user)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "pager": selectors.opportunity_page(qs, page=page_number(request)),
        "totals": selectors.opportunity_totals(qs),
        "base_query": query.urlencode(),
        "company": filters.get("company"),
    }
    template = "opportunities/opportunity_list.html"
    if request.htmx and request.htmx.target == "opportunity-results":
        template += "#results"
    return render(request, template, context)
