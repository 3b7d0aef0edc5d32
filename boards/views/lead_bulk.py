"""The lead list's bulk actions: the bar posts here with the ticked rows or "alle Treffer".

Without `confirm` the page asks for the action's value (and shows what is selected);
with it the form validates and one call does the work: `leads.bulk.actions` (a job, whose
summary page is the bulk update's `boards:bulk_job`), the selection writes of
`boards.lead_bulk`, or the list's own export (`leads.views.export.export_response`).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from boards.lead_bulk import (
    ALL_ACTIONS,
    LeadBulkForm,
    selection_add_leads,
    selection_create_from_leads,
)
from boards.selections import SelectionError
from jobs.runner import BROKER_DOWN_MESSAGE
from leads.bulk.actions import job_threshold, lead_bulk_start
from leads.bulk.selection import leads_for_spec, selection_spec
from leads.errors import LeadError
from leads.permissions import can_delete_lead
from leads.views.export import export_response

MANAGER_ONLY = ("delete", "export")


def _hidden(spec: dict) -> list[tuple[str, str]]:
    if spec.get("all"):
        return [("all", "1"), ("query", spec.get("query", ""))]
    return [("ids", str(pk)) for pk in spec.get("ids", [])]


def _back(spec: dict) -> str:
    query = spec.get("query", "") if spec.get("all") else ""
    return reverse("leads:list") + (f"?{query}" if query else "")


@require_POST
@role_required()
def lead_bulk(request: HttpRequest) -> HttpResponse:
    spec = selection_spec(request.POST)
    action = request.POST.get("action", "")
    if action not in ALL_ACTIONS:
        messages.error(request, _("Bitte eine gültige Aktion auswählen."))
        return redirect(_back(spec))
    if action in MANAGER_ONLY and not can_delete_lead(request.user):
        raise PermissionDenied(_("Nur die Vertriebsleitung darf Leads exportieren oder löschen."))
    leads = leads_for_spec(request.user, spec)
    sample = list(leads.order_by("-id").only("id", "number", "company_name")[:6])
    if not sample:
        messages.error(request, _("Bitte zuerst Leads auswählen."))
        return redirect(_back(spec))
    confirmed = request.POST.get("confirm") == "1"
    form = LeadBulkForm(
        request.POST if confirmed else None, user=request.user, initial={"action": action}
    )
    if confirmed and form.is_valid():
        response = _run(request, form, spec, action, leads)
        if response is not None:
            return response
    count = None if spec.get("all") else len(spec.get("ids", []))
    return render(
        request,
        "boards/lead_bulk.html",
        {
            "form": form,
            "action": action,
            "action_label": ALL_ACTIONS[action],
            "hidden_pairs": _hidden(spec),
            "all_matching": bool(spec.get("all")),
            "count": count,
            "sample": sample[:5],
            "more": len(sample) > 5,
            "threshold": job_threshold(),
            "back": _back(spec),
        },
    )


def _run(request, form, spec, action, leads) -> HttpResponse | None:
    data = form.cleaned_data
    try:
        if action == "export":
            sort = QueryDict(spec.get("query", "")).get("sort")
            return export_response(
                leads, sort=sort, file_format=data.get("file_format"), user=request.user
            )
        if action == "add_to_selection":
            added = selection_add_leads(selection=data["selection"], leads=leads, user=request.user)
            messages.success(
                request,
                _("%(n)d Leads zur Selektion „%(name)s“ hinzugefügt.")
                % {"n": added, "name": data["selection"].name},
            )
            return redirect(data["selection"].get_absolute_url())
        if action == "save_selection":
            selection = selection_create_from_leads(
                user=request.user,
                name=data["selection_name"],
                leads=leads,
                shared=data.get("shared", False),
            )
            messages.success(request, _("Selektion „%s“ gespeichert.") % selection.name)
            return redirect(selection.get_absolute_url())
        job = lead_bulk_start(
            user=request.user, spec=spec, action=action, values=form.action_values()
        )
    except (LeadError, SelectionError) as exc:
        form.add_error(
            getattr(exc, "field", None) if getattr(exc, "field", None) in form.fields else None,
            str(exc),
        )
        return None
    if getattr(job, "queued", None) is False:
        messages.warning(request, BROKER_DOWN_MESSAGE)
    return redirect("boards:bulk_job", job_id=job.pk)
