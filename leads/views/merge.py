"""Merge two leads: pick the other lead (duplicate suggestions or lead number), choose the
surviving value per differing field, merge. `merge_input` also serves the person merge."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.permissions import role_required
from leads.duplicates import find_lead_duplicates
from leads.errors import LeadError
from leads.models import Lead
from leads.permissions import can_edit_lead
from leads.services.merge import differing_fields, lead_merge


def merge_input(request: HttpRequest) -> dict[str, Any]:
    """The merge form's answer: the surviving side per field ("f_<field>": "winner" or
    "loser") and the versions both records had when the form was shown (-1 if missing, which
    the merge service refuses as a conflict)."""
    return {
        "choices": {
            key[len("f_") :]: value for key, value in request.POST.items() if key.startswith("f_")
        },
        "winner_version": _version(request.POST.get("winner_version")),
        "loser_version": _version(request.POST.get("loser_version")),
    }


def _version(raw: str | None) -> int:
    try:
        return int(raw or "")
    except (TypeError, ValueError):
        return -1


def _other(request: HttpRequest, lead: Lead) -> Lead | None:
    raw = (request.POST.get("other") or request.GET.get("other") or "").strip()
    if not raw:
        return None
    qs = Lead.objects.select_related(
        "status", "source", "type", "campaign", "follow_up_by", "customer"
    )
    qs = qs.filter(merged_into__isnull=True).exclude(pk=lead.pk)
    return qs.filter(pk=int(raw)).first() if raw.isdigit() else qs.filter(number=raw).first()


@require_http_methods(["GET", "POST"])
@role_required()
def lead_merge_view(request: HttpRequest, pk: int) -> HttpResponse:
    lead = get_object_or_404(
        Lead.objects.select_related(
            "status", "source", "type", "campaign", "follow_up_by", "customer"
        ),
        pk=pk,
    )
    if not can_edit_lead(request.user, lead) or lead.merged_into_id:
        raise PermissionDenied
    other = _other(request, lead)
    if request.method == "POST" and other is not None and request.POST.get("confirm"):
        try:
            winner = lead_merge(winner=lead, loser=other, user=request.user, **merge_input(request))
        except LeadError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Lead %(loser)s wurde in %(winner)s zusammengeführt.")
                % {"loser": other.number, "winner": winner.number},
            )
            return redirect("leads:detail", pk=winner.pk)
    candidates = find_lead_duplicates(
        {"email": lead.email, "phone": str(lead.phone or ""), "company_name": lead.company_name},
        exclude_id=lead.pk,
    )
    context = {
        "subject": lead,
        "lead": lead,
        "other": other,
        "candidates": candidates,
        "rows": differing_fields(lead, other) if other else [],
        "not_found": bool(request.GET.get("other")) and other is None,
    }
    return render(request, "leads/merge/merge.html", context)
