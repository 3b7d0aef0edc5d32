"""The "Nachfass-Sequenz" section of the lead page (loaded by htmx: leads never imports
sequences), enrolment and stop by hand, and the bulk enrolment from the lead list."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import role_required
from leads.bulk.selection import selected_leads
from leads.models import Lead
from leads.permissions import can_edit_lead, can_view_lead
from sequences import selectors, services
from sequences.models import Enrolment, Sequence

SECTION = "sequences/section.html"
BULK_MAX = 5000  # leads per bulk request (each is checked with can_edit_lead)


def _lead(request: HttpRequest, pk: int) -> Lead:
    lead = get_object_or_404(Lead.objects.select_related("status"), pk=pk)
    if not can_view_lead(request.user, lead):
        raise PermissionDenied
    return lead


def _section(request: HttpRequest, lead: Lead, *, error: str = "", status: int = 200):
    enrolments = selectors.lead_enrolments(lead)
    current = next((e for e in enrolments if e.is_active), None)
    context = {
        "lead": lead,
        "current": current,
        "past": [e for e in enrolments if not e.is_active],
        "sequences": selectors.enrolable_sequences() if current is None else [],
        "can_edit": can_edit_lead(request.user, lead),
        "error": error,
        "title": _("Nachfass-Sequenz zu Lead %(number)s") % {"number": lead.number},
    }
    template = SECTION + "#section" if request.htmx else SECTION
    return render(request, template, context, status=status)


@require_GET
@role_required()
def lead_section(request: HttpRequest, pk: int) -> HttpResponse:
    return _section(request, _lead(request, pk))


@require_POST
@role_required()
def lead_enrol(request: HttpRequest, pk: int) -> HttpResponse:
    lead = _lead(request, pk)
    if not can_edit_lead(request.user, lead):
        raise PermissionDenied
    raw = str(request.POST.get("sequence", ""))
    sequence = (
        Sequence.objects.filter(pk=int(raw)).first() if raw.isdecimal() and len(raw) < 10 else None
    )
    if sequence is None:
        return _section(request, lead, error=_("Bitte eine Sequenz wählen."), status=400)
    try:
        services.enrolment_start(lead=lead, sequence=sequence, user=request.user)
    except services.SequenceError as exc:
        return _section(request, lead, error=exc.message, status=409)
    if not request.htmx:
        return redirect(lead.get_absolute_url())
    return _section(request, lead)


@require_POST
@role_required()
def lead_stop(request: HttpRequest, pk: int) -> HttpResponse:
    lead = _lead(request, pk)
    if not can_edit_lead(request.user, lead):
        raise PermissionDenied
    enrolment = Enrolment.objects.active().filter(lead=lead).first()
    if enrolment is not None:
        services.enrolment_stop_by_user(enrolment=enrolment, user=request.user)
    if not request.htmx:
        return redirect(lead.get_absolute_url())
    return _section(request, lead)


@require_POST
@role_required()
def bulk_enrol(request: HttpRequest) -> HttpResponse:
    """POST `sequence` plus the list's selection (`ids` repeated, or `all=1` + `query`):
    enrols the selected leads the user may edit; at most BULK_MAX per request."""
    raw = str(request.POST.get("sequence", ""))
    sequence = (
        Sequence.objects.filter(pk=int(raw)).first() if raw.isdecimal() and len(raw) < 10 else None
    )
    back = redirect("leads:list")
    if sequence is None:  # from the list's bulk bar: ask which sequence, keep the selection
        context = {
            "sequences": selectors.enrolable_sequences(),
            "ids": [v for v in request.POST.getlist("ids")[:BULK_MAX] if v.isdecimal()],
            "all": request.POST.get("all", "") == "1",
            "query": request.POST.get("query", "")[:4000],
            "error": _("Bitte eine Sequenz wählen.") if "sequence" in request.POST else "",
        }
        return render(request, "sequences/bulk_choose.html", context)
    leads = list(
        selected_leads(request.user, request.POST)
        .only("id", "follow_up_by_id", "appointment_with_id", "created_by_id")
        .order_by("pk")[: BULK_MAX + 1]
    )
    if len(leads) > BULK_MAX:
        messages.error(
            request,
            _("Bitte höchstens %(max)s Leads auf einmal in eine Sequenz aufnehmen.")
            % {"max": BULK_MAX},
        )
        return back
    allowed = [lead.pk for lead in leads if can_edit_lead(request.user, lead)]
    try:
        count = services.enrol_many(sequence=sequence, lead_ids=allowed, user=request.user)
    except services.SequenceError as exc:
        messages.error(request, exc.message)
        return back
    skipped = len(leads) - count
    messages.success(
        request,
        ngettext(
            "%(count)s Lead wurde in „%(name)s“ aufgenommen.",
            "%(count)s Leads wurden in „%(name)s“ aufgenommen.",
            count,
        )
        % {"count": count, "name": sequence.name},
    )
    if skipped:
        messages.info(
            request,
            ngettext(
                "%(count)s Lead wurde übersprungen (abgeschlossen, bereits in einer Sequenz "
                "oder ohne Bearbeitungsrecht).",
                "%(count)s Leads wurden übersprungen (abgeschlossen, bereits in einer Sequenz "
                "oder ohne Bearbeitungsrecht).",
                skipped,
            )
            % {"count": skipped},
        )
    return back
