"""The activity list: mine/all, filter by kind and status, paginated without a COUNT."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.permissions import role_required
from activities.forms import ActivityFilterForm
from activities.selectors import activity_list


@role_required()
def activity_list_view(request: HttpRequest) -> HttpResponse:
    form = ActivityFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = activity_list(
        user=request.user,
        scope=filters.get("scope") or "mine",
        kind=filters.get("kind") or "",
        status=filters.get("status") or "",
    )
    size = settings.LEADCRM["LIST_PAGE_SIZE"]
    try:
        page = min(max(1, int(request.GET.get("page", 1))), 100_000)
    except ValueError:
        page = 1
    rows = list(qs[(page - 1) * size : page * size + 1])
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "activities": rows[:size],
        "page": page,
        "has_next": len(rows) > size,
        "query": params.urlencode(),
    }
    template = "activities/list.html#results" if request.htmx else "activities/list.html"
    return render(request, template, context)
