"""The lead list: filters, sorting, keyset paging, column chooser."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from leads import selectors
from leads.bulk.actions import job_threshold
from leads.filters import LeadFilter
from leads.permissions import (
    can_create_lead,
    can_delete_lead,
    can_export_leads,
    can_import_leads,
    visible_leads,
)
from leads.services import saved_views


def _page_size(request: HttpRequest) -> int:
    try:
        value = int(request.GET.get("per", selectors.PAGE_SIZES[0]))
    except (TypeError, ValueError):
        return selectors.PAGE_SIZES[0]
    return value if value in selectors.PAGE_SIZES else selectors.PAGE_SIZES[0]


@role_required()
def lead_list(request: HttpRequest) -> HttpResponse:
    if not request.GET and not request.htmx:
        default = saved_views.default_view(request.user)
        if default is not None:  # the plain list opens the user's default view
            return redirect("leads:view_open", pk=default.pk)
    filterset = LeadFilter(
        request.GET or None, queryset=visible_leads(request.user), user=request.user
    )
    filterset.form.is_valid()  # errors are shown above the list; invalid filters are ignored
    sort = request.GET.get("sort") or selectors.DEFAULT_SORT
    column, desc = selectors.parse_sort(sort)
    columns = selectors.list_columns(request.user)
    page = selectors.lead_list(
        filterset=filterset,
        sort=sort,
        cursor=request.GET.get("cursor"),
        page_size=_page_size(request),
        columns=columns,
    )
    headers = []
    for col in columns:
        state = ("desc" if desc else "asc") if col.key == column.key else ""
        if not col.sort_field:
            next_sort = None
        elif state == "asc":
            next_sort = f"-{col.key}"
        elif state == "desc":
            next_sort = col.key
        else:  # numbers and dates: biggest/newest first
            next_sort = f"-{col.key}" if col.kind in ("int", "datetime") else col.key
        headers.append({"col": col, "next_sort": next_sort, "state": state})
    context = {
        "filter": filterset,
        "headers": headers,
        "page": page,
        "columns": columns,
        "column_keys": [c.key for c in columns],
        "all_columns": selectors.COLUMNS,
        "sort_key": column.key,
        "sort_param": f"-{column.key}" if desc else column.key,
        "today": timezone.localdate(),
        "sort_desc": desc,
        "page_sizes": selectors.PAGE_SIZES,
        "can_create": can_create_lead(request.user),
        "can_import": can_import_leads(request.user),
        "saved_views": list(saved_views.saved_views_for(request.user)),
        "bulk_threshold": job_threshold(),
        "can_delete": can_delete_lead(request.user),
        "can_export": can_export_leads(request.user),
    }
    template = "leads/lead_list.html"
    if request.htmx and not request.htmx.boosted and request.htmx.target == "lead-results":
        template += "#results"
    return render(request, template, context)


@require_POST
@role_required()
def lead_columns(request: HttpRequest) -> HttpResponse:
    """Save the column chooser; unknown keys are dropped, `next` must be a local URL."""
    selectors.save_list_columns(user=request.user, columns=request.POST.getlist("columns"))
    nxt = request.POST.get("next", "")[:2000]
    if nxt and url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(nxt)
    return redirect("leads:list")
