"""The opportunity sections of the lead and company pages, and creation from a lead.

The lead and company pages (apps below this one) do not import opportunities: each
includes `opportunities/_section_loader.html`, which loads its section from here with
htmx; without JavaScript the loader's link opens the section as a page. So both pages keep
their query count, and the section costs the same few queries for any number of rows.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.permissions import role_required
from contacts.models import Company
from leads.models import Lead
from leads.permissions import can_view_lead
from opportunities import selectors, services
from opportunities.errors import OpportunityError
from opportunities.forms import OpportunityForm
from opportunities.permissions import (
    CREATE_DENIED,
    can_create_opportunity,
    create_refusal,
    create_state,
)
from opportunities.views.detail import form_error

SECTION = "opportunities/section.html"


def _section(request: HttpRequest, context: dict) -> HttpResponse:
    return render(request, SECTION + "#section" if request.htmx else SECTION, context)


@require_http_methods(["GET"])
@role_required()
def lead_section(request: HttpRequest, pk: int) -> HttpResponse:
    lead = get_object_or_404(Lead, pk=pk)
    if not can_view_lead(request.user, lead):
        raise PermissionDenied
    can_create, refusal = create_state(request.user, lead)
    context = {
        "lead": lead,
        "opportunities": selectors.lead_opportunities(lead=lead, user=request.user),
        "can_create": can_create,
        "refusal": refusal,
        "title": _("Verkaufschancen zu Lead %(number)s") % {"number": lead.number},
        "back_url": lead.get_absolute_url(),
    }
    return _section(request, context)


@require_http_methods(["GET"])
@role_required()
def company_section(request: HttpRequest, pk: int) -> HttpResponse:
    company = get_object_or_404(Company.objects.only("id", "name"), pk=pk)
    context = {
        "company": company,
        "opportunities": selectors.company_opportunities(company=company, user=request.user),
        "title": _("Verkaufschancen von %(name)s") % {"name": company.name},
        "back_url": company.get_absolute_url(),
    }
    return _section(request, context)


@require_http_methods(["GET", "POST"])
@role_required()
def create_from_lead(request: HttpRequest, pk: int) -> HttpResponse:
    lead = get_object_or_404(Lead.objects.select_related("customer", "status"), pk=pk)
    # the form is only offered when the service would accept it (it checks again on POST)
    if not can_create_opportunity(request.user, lead):
        raise PermissionDenied(CREATE_DENIED)
    refusal = create_refusal(lead)
    if refusal:
        context = {"lead": lead, "refusal": refusal}
        return render(request, "opportunities/opportunity_form.html", context, status=409)
    form = OpportunityForm(
        request.POST or None, company=lead.customer, initial=selectors.initial_from_lead(lead)
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            opportunity = services.opportunity_create_from_lead(
                lead=lead, data=data, user=request.user
            )
        except OpportunityError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request,
                _("Die Verkaufschance „%(title)s“ wurde angelegt.") % {"title": opportunity.title},
            )
            return redirect(opportunity.get_absolute_url())
    context = {"form": form, "lead": lead}
    return render(
        request, "opportunities/opportunity_form.html", context, status=400 if form.errors else 200
    )
