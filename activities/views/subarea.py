"""The activities sub-area of a lead, person or company as an HTMX fragment.

Other screens embed it with
`<div hx-get="{% url 'activities:subarea' %}?person=<pk>" hx-trigger="load">` (or include
"activities/_subarea.html" with their own list); newest first, the newest SUBAREA_SIZE.
"""

from __future__ import annotations

from django.apps import apps
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from accounts.permissions import role_required
from activities import selectors
from contacts.models import Company, Person

SUBAREA_SIZE = 20


def _pk(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdecimal() and len(value) < 10 else None


@role_required()
def activity_subarea(request: HttpRequest) -> HttpResponse:
    new_url = reverse("activities:create")
    if (pk := _pk(request, "person")) is not None:
        person = get_object_or_404(Person, pk=pk)
        qs = selectors.activities_for_person(person)
        new_url += f"?person={pk}"
    elif (pk := _pk(request, "company")) is not None:
        company = get_object_or_404(Company, pk=pk)
        qs = selectors.activities_for_company(company)
        new_url += f"?company={pk}"
    elif (pk := _pk(request, "lead")) is not None:
        lead = get_object_or_404(apps.get_model("leads", "Lead"), pk=pk)
        qs = selectors.activities_newest_first(lead.activities.all())
        new_url += f"?lead={pk}"
    else:
        return HttpResponseBadRequest("person, company oder lead fehlt")
    context = {"activities": list(qs[:SUBAREA_SIZE]), "new_url": new_url}
    return render(request, "activities/_subarea.html", context)
