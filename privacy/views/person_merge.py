"""Merge two persons: pick the other person (same e-mail / name suggestions or its number),
choose the surviving value per differing field, merge (managers and staff)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import Role
from accounts.permissions import role_required
from contacts.errors import ContactError
from contacts.models import Person
from leads.views.merge import merge_input
from privacy.person_merge import differing_fields, person_merge

CANDIDATE_LIMIT = 10


def _persons():
    return Person.objects.select_related("company", "owner")


def _other(request: HttpRequest, person: Person) -> Person | None:
    raw = (request.POST.get("other") or request.GET.get("other") or "").strip()
    if not raw.isdigit():
        return None
    return _persons().exclude(pk=person.pk).filter(pk=int(raw)).first()


def _candidates(person: Person) -> list[Person]:
    match = Q(last_name__iexact=person.last_name, first_name__iexact=person.first_name)
    if person.email:
        match |= Q(email__iexact=person.email)
    return list(
        _persons().filter(match).exclude(pk=person.pk).order_by("last_name", "id")[:CANDIDATE_LIMIT]
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.SALES_MANAGER)
def person_merge_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(_persons(), pk=pk)
    other = _other(request, person)
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
            return redirect("contacts:person_detail", pk=winner.pk)
    context = {
        "subject": person,
        "person": person,
        "other": other,
        "candidates": _candidates(person) if other is None else [],
        "rows": differing_fields(person, other) if other else [],
        "not_found": bool(request.GET.get("other")) and other is None,
    }
    return render(request, "leads/merge/person.html", context)
