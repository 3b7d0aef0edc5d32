"""Saved views of the lead list: open, save, rename/share, delete, default star."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from leads import selectors
from leads.errors import LeadError
from leads.services import saved_views as services


def _view_or_404(request, pk: int):
    view = services.saved_view_for(pk=pk, user=request.user)
    if view is None:
        raise Http404
    return view


def _list_url(querystring: str) -> str:
    return reverse("leads:list") + (f"?{querystring}" if querystring else "?view=none")


@role_required()
def saved_view_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a view: its columns become the user's list columns, its querystring the list's."""
    view = _view_or_404(request, pk)
    if view.columns:
        selectors.save_list_columns(user=request.user, columns=view.columns)
    return redirect(_list_url(view.querystring))


@require_POST
@role_required()
def saved_view_save(request: HttpRequest) -> HttpResponse:
    try:
        view = services.saved_view_create(
            user=request.user,
            name=request.POST.get("name", "")[:200],
            querystring=request.POST.get("query", "")[:4000],
            columns=[c.key for c in selectors.list_columns(request.user)],
            shared=request.POST.get("shared") == "on",
            is_default=request.POST.get("is_default") == "on",
        )
    except LeadError as exc:
        messages.error(request, exc.message)
        return redirect(_list_url(request.POST.get("query", "")[:4000]))
    messages.success(request, _("Ansicht „%s“ gespeichert.") % view.name)
    return redirect(_list_url(view.querystring))


@require_POST
@role_required()
def saved_view_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename/share, delete or (un)star one of the user's own views."""
    view = _view_or_404(request, pk)
    action = request.POST.get("action")
    try:
        if action == "delete":
            services.saved_view_delete(view=view, user=request.user)
            messages.success(request, _("Ansicht „%s“ gelöscht.") % view.name)
            return redirect(_list_url(""))
        if action == "default":
            services.saved_view_set_default(
                view=view, user=request.user, is_default=not view.is_default
            )
        else:
            services.saved_view_update(
                view=view,
                user=request.user,
                name=request.POST.get("name", "")[:200],
                shared=request.POST.get("shared") == "on",
            )
    except LeadError as exc:
        messages.error(request, exc.message)
    return redirect(_list_url(view.querystring))
