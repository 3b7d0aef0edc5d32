"""GDPR pages [DSGVO] per lead and per person: readable data, JSON export, erasure (managers
and staff), the consent log and a manual withdrawal. Every view and export is logged."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from contacts.models import Person
from leads import doi, gdpr
from leads.errors import LeadError
from leads.models import ConsentRecord, DataAccessAction, Lead, PersonalDataAccess
from leads.permissions import can_edit_lead
from leads.views.capture import visitor_ip


def _ip(request: HttpRequest) -> str | None:
    return visitor_ip(request)  # behind trusted proxies the client's, not the proxy's


def _json_download(data: dict, filename: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@role_required()
def lead_gdpr(request: HttpRequest, pk: int) -> HttpResponse:
    lead = get_object_or_404(Lead, pk=pk)
    gdpr.log_access(
        user=request.user, action=DataAccessAction.VIEWED, lead=lead, ip_address=_ip(request)
    )
    context = {
        "subject_kind": "lead",
        "lead": lead,
        "data": (data := gdpr.lead_personal_data(lead)),
        "rows": gdpr.display_rows(data["lead"]),
        "consents": ConsentRecord.objects.filter(lead=lead).select_related("recorded_by"),
        "accesses": PersonalDataAccess.objects.filter(lead=lead).select_related("user")[:50],
        "can_erase": gdpr.can_erase(request.user),
        "can_edit": can_edit_lead(request.user, lead),
    }
    return render(request, "leads/gdpr/page.html", context)


@role_required()
def lead_gdpr_export(request: HttpRequest, pk: int) -> HttpResponse:
    lead = get_object_or_404(Lead, pk=pk)
    gdpr.log_access(
        user=request.user, action=DataAccessAction.EXPORTED, lead=lead, ip_address=_ip(request)
    )
    return _json_download(gdpr.lead_personal_data(lead), f"dsgvo-lead-{lead.number}.json")


@require_POST
@role_required()
def lead_gdpr_erase(request: HttpRequest, pk: int) -> HttpResponse:
    lead = get_object_or_404(Lead, pk=pk)
    if not gdpr.can_erase(request.user):
        raise PermissionDenied
    try:
        gdpr.lead_erase(
            lead=lead,
            user=request.user,
            reason=request.POST.get("reason", ""),
            ip_address=_ip(request),
        )
    except LeadError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Die personenbezogenen Daten des Leads wurden anonymisiert."))
    return redirect("leads:gdpr_lead", pk=lead.pk)


@require_POST
@role_required()
def lead_consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """A withdrawal the person told a rep (phone, letter), recorded by the rep."""
    lead = get_object_or_404(Lead, pk=pk)
    if not can_edit_lead(request.user, lead):
        raise PermissionDenied
    doi.consent_withdraw(lead=lead, email=lead.email, user=request.user, ip_address=None)
    messages.success(request, _("Der Widerruf wurde im Einwilligungsprotokoll vermerkt."))
    return redirect("leads:gdpr_lead", pk=lead.pk)


@role_required()
def person_gdpr(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.select_related("company"), pk=pk)
    gdpr.log_access(
        user=request.user, action=DataAccessAction.VIEWED, person=person, ip_address=_ip(request)
    )
    context = {
        "subject_kind": "person",
        "person": person,
        "data": (data := gdpr.person_personal_data(person)),
        "rows": gdpr.display_rows(data["person"]),
        "consents": ConsentRecord.objects.filter(person=person).select_related("recorded_by"),
        "accesses": PersonalDataAccess.objects.filter(person=person).select_related("user")[:50],
        "can_erase": gdpr.can_erase(request.user),
    }
    return render(request, "leads/gdpr/page.html", context)


@role_required()
def person_gdpr_export(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=pk)
    gdpr.log_access(
        user=request.user, action=DataAccessAction.EXPORTED, person=person, ip_address=_ip(request)
    )
    return _json_download(gdpr.person_personal_data(person), f"dsgvo-person-{person.pk}.json")


@require_POST
@role_required()
def person_gdpr_erase(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=pk)
    if not gdpr.can_erase(request.user):
        raise PermissionDenied
    try:
        gdpr.person_erase(
            person=person,
            user=request.user,
            reason=request.POST.get("reason", ""),
            ip_address=_ip(request),
        )
    except LeadError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Die personenbezogenen Daten der Person wurden anonymisiert."))
    return redirect("leads:gdpr_person", pk=person.pk)
