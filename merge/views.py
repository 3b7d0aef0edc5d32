"""The merge screens: two leads, or two persons, into one.

Pick the other record (suggested duplicates, or its number), choose the surviving value
per differing field, merge. Leads: whoever may edit both; persons: managers and staff.
The writes are `merge.leads.lead_merge` and `merge.persons.person_merge`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.permissions import role_required
from contacts.errors import ContactError
from contacts.permissions import PERSON_MERGE_ROLES
from leads.duplicates import find_lead_duplicates
from leads.errors import LeadError
from leads.permissions import can_edit_lead
from merge import selectors
from merge.leads import differing_fields as lead_differing_fields
from merge.leads import lead_merge
from merge.persons import differing_fields as person_differing_fields
from merge.persons import person_merge


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


def _ref(request: HttpRequest) -> str:
    """The other record as the user named it (an id, or a lead number)."""
    return (request.POST.get("other") or request.GET.get("other") or "").strip()


@require_http_methods(["GET", "POST"])
@role_required()
def lead_merge_view(request: HttpRequest, pk: int) -> HttpResponse:
    lead = selectors.lead_for_merge(pk)
    if lead is None:
        raise Http404
    if not can_edit_lead(request.user, lead) or lead.merged_into_id:
        raise PermissionDenied
    ref = _ref(request)
    other = selectors.lead_merge_partner(lead=lead, ref=ref) if ref else None
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
            return redirect(winner)
    candidates = find_lead_duplicates(
        {"email": lead.email, "phone": str(lead.phone or ""), "company_name": lead.company_name},
        exclude_id=lead.pk,
    )
    context = {
        "subject": lead,
        "lead": lead,
        "other": other,
        "candidates": candidates,
        "rows": lead_differing_fields(lead, other) if other else [],
        "not_found": bool(request.GET.get("other")) and other is None,
    }
    return render(request, "merge/lead.html", context)


# --- persons ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(*PERSON_MERGE_ROLES)
def person_merge_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_for_merge(pk)
    if person is None:
        raise Http404
    other = selectors.person_merge_partner(person=person, ref=_ref(request))
    if request.method == "POST" and other is not None and request.POST.get("confirm"):
        try:
            winner = person_merge(
                winner=person, loser=other, user=request.user, **merge_input(request)
            )
        except ContactError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("%(loser)s wurde in %(winner)s zusammengeführt.")
                % {"loser": other, "winner": winner},
            )
            return redirect(winner)
    context = {
        "subject": person,
        "person": person,
        "other": other,
        "candidates": selectors.person_merge_candidates(person) if other is None else [],
        "rows": person_differing_fields(person, other) if other else [],
        "not_found": bool(request.GET.get("other")) and other is None,
    }
    return render(request, "merge/person.html", context)
