"""The global search: the results page and, for the navbar box, the dropdown fragment."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.permissions import role_required
from search.selectors import DROPDOWN_LIMIT, MAX_QUERY, PAGE_LIMIT, global_search
from ui.replica import reads_from_replica


@require_GET
@role_required()
@reads_from_replica
def search(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()[:MAX_QUERY]
    dropdown = bool(request.htmx) and request.GET.get("dropdown") == "1"
    limit = DROPDOWN_LIMIT if dropdown else PAGE_LIMIT
    context = {"q": q, "groups": global_search(q, user=request.user, limit=limit)}
    if dropdown:
        return render(request, "search/results.html#dropdown", context)
    return render(request, "search/results.html", context)
