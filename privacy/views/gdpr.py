"""GDPR pages [DSGVO] per lead and per person: readable data, JSON export, erasure (managers
and staff), the consent log and a manual withdrawal. Every view and export is logged.

One set of views serves both subjects; a `SubjectKind` holds what differs between a lead
and a person (model, export, erasure, URL names). The URLconf binds each view to a kind.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from contacts.models import Person
from leads.errors import LeadError
from leads.models import DataAccessAction, Lead
from leads.permissions import EXPORT_REFUSED_MESSAGE, can_download_personal_data, can_edit_lead
from leads.services.consent import consent_withdraw
from privacy import selectors as gdpr_selectors
from privacy import services as gdpr
from ui.client_ip import client_ip


@dataclass(frozen=True)
class SubjectKind:
    name: str  # "lead" or "person": the keyword of the gdpr functions and the export section
    model: type[Model]
    personal_data: Callable[[Any], dict]
    erase: Callable[..., Any]
    export_id: Callable[[Any], object]  # what names the export file
    erased_message: str

    # URL names follow the kind: privacy:gdpr_lead, privacy:gdpr_lead_export, …
    @property
    def page_url(self) -> str:
        return f"privacy:gdpr_{self.name}"

    @property
    def export_url(self) -> str:
        return f"{self.page_url}_export"

    @property
    def erase_url(self) -> str:
        return f"{self.page_url}_erase"

    def subject(self, pk: int) -> Any:
        return get_object_or_404(self.model, pk=pk)

    def log(self, request: HttpRequest, subject: Any, action: str) -> None:
        gdpr.log_access(
            user=request.user, action=action, ip_address=client_ip(request), **{self.name: subject}
        )


LEAD = SubjectKind(
    name="lead",
    model=Lead,
    personal_data=gdpr.lead_personal_data,
    erase=gdpr.lead_erase,
    export_id=lambda lead: lead.number,
    erased_message=_lazy("Die personenbezogenen Daten des Leads wurden anonymisiert."),
)
PERSON = SubjectKind(
    name="person",
    model=Person,
    personal_data=gdpr.person_personal_data,
    erase=gdpr.person_erase,
    export_id=lambda person: person.pk,
    erased_message=_lazy("Die personenbezogenen Daten der Person wurden anonymisiert."),
)


@role_required()
def gdpr_page(request: HttpRequest, pk: int, *, kind: SubjectKind) -> HttpResponse:
    subject = kind.subject(pk)
    kind.log(request, subject, DataAccessAction.VIEWED)
    data = kind.personal_data(subject)
    context = {
        "kind": kind,
        "subject_kind": kind.name,
        "subject": subject,
        "data": data,
        "rows": gdpr.display_rows(data[kind.name]),
        "consents": gdpr_selectors.consent_log(subject),
        "accesses": gdpr_selectors.access_log(subject),
        "erasure_reports": gdpr_selectors.erasure_reports(subject),
        "anonymised_at": getattr(subject, "anonymised_at", None),
        "can_erase": gdpr.can_erase(request.user),
        "can_download": can_download_personal_data(request.user),
        "can_withdraw": kind is LEAD and can_edit_lead(request.user, subject),
    }
    return render(request, "privacy/page.html", context)


@role_required()
def gdpr_export(request: HttpRequest, pk: int, *, kind: SubjectKind) -> HttpResponse:
    if not can_download_personal_data(request.user):
        raise PermissionDenied(EXPORT_REFUSED_MESSAGE)
    subject = kind.subject(pk)
    kind.log(request, subject, DataAccessAction.EXPORTED)
    response = HttpResponse(
        json.dumps(
            kind.personal_data(subject), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
        ),
        content_type="application/json; charset=utf-8",
    )
    filename = f"dsgvo-{kind.name}-{kind.export_id(subject)}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
@role_required()
def gdpr_erase(request: HttpRequest, pk: int, *, kind: SubjectKind) -> HttpResponse:
    subject = kind.subject(pk)
    if not gdpr.can_erase(request.user):
        raise PermissionDenied
    try:
        report = kind.erase(
            user=request.user,
            reason=request.POST.get("reason", ""),
            ip_address=client_ip(request),
            **{kind.name: subject},
        )
    except LeadError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{kind.erased_message} {report.summary()}.")
    return redirect(kind.page_url, pk=subject.pk)


@require_POST
@role_required()
def lead_consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """A withdrawal the person told a rep (phone, letter), recorded by the rep."""
    lead = get_object_or_404(Lead, pk=pk)
    if not can_edit_lead(request.user, lead):
        raise PermissionDenied
    consent_withdraw(lead=lead, email=lead.email, user=request.user, ip_address=None)
    messages.success(request, _("Der Widerruf wurde im Einwilligungsprotokoll vermerkt."))
    return redirect(LEAD.page_url, pk=lead.pk)


# The names the URLconf uses.
lead_gdpr = partial(gdpr_page, kind=LEAD)
lead_gdpr_export = partial(gdpr_export, kind=LEAD)
lead_gdpr_erase = partial(gdpr_erase, kind=LEAD)
person_gdpr = partial(gdpr_page, kind=PERSON)
person_gdpr_export = partial(gdpr_export, kind=PERSON)
person_gdpr_erase = partial(gdpr_erase, kind=PERSON)
