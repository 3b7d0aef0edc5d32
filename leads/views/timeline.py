"""The lead's timeline column: pages of entries, the kind filter, quick logging and ticking
tasks done in place (HTMX fragments; every request also works without HTMX)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import role_required
from activities.models import Activity, ActivityKind
from activities.services import activity_set_done
from leads.errors import LeadError
from leads.models import Lead
from leads.permissions import can_edit_lead, can_view_lead
from leads.quick_log_forms import BUTTONS, QuickLogForm
from leads.services.quick_log import lead_log_activity
from leads.timeline import KINDS, activity_entry, lead_timeline

TEMPLATE = "leads/_timeline.html"


def _lead(request: HttpRequest, pk: int, *, edit: bool = False) -> Lead:
    lead = Lead.objects.select_related("status").filter(pk=pk).first()
    if lead is None:
        raise Http404
    allowed = can_edit_lead(request.user, lead) if edit else can_view_lead(request.user, lead)
    if not allowed:
        raise PermissionDenied
    return lead


def _context(request: HttpRequest, lead: Lead, *, kinds=(), cursor=None) -> dict:
    page = lead_timeline(lead, user=request.user, kinds=kinds, cursor=cursor)
    return {
        "lead": lead,
        "page": page,
        "kinds": KINDS,
        "chosen": page.kinds,
        "all_kinds": len(page.kinds) == len(KINDS),
        "can_edit": can_edit_lead(request.user, lead),
        "buttons": [(slug, label, icon) for slug, (_kind, label, icon) in BUTTONS.items()],
        "timeline_url": reverse("leads:timeline", args=[lead.pk]),
    }


@require_GET
@role_required()
def timeline(request: HttpRequest, pk: int) -> HttpResponse:
    """The card (first load, filter change) or, with a cursor, the next page's entries."""
    lead = _lead(request, pk)
    kinds = request.GET.getlist("kind")
    cursor = request.GET.get("cursor")
    context = _context(request, lead, kinds=kinds, cursor=cursor)
    if not request.htmx:
        return render(request, "leads/timeline_page.html", context)
    return render(request, f"{TEMPLATE}#entries" if cursor else TEMPLATE, context)


@require_http_methods(["GET", "POST"])
@role_required()
def quick_log(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """GET: the small form for one kind; POST: log it and return the refreshed card."""
    if kind not in BUTTONS:
        raise Http404
    lead = _lead(request, pk, edit=True)
    activity_kind, label, _icon = BUTTONS[kind]
    if request.method == "POST":
        form = QuickLogForm(request.POST, kind=activity_kind, prefix="ql")
        if form.is_valid():
            try:
                lead_log_activity(
                    lead=lead, kind=activity_kind, data=form.cleaned_data, user=request.user
                )
            except LeadError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                if not request.htmx:
                    return redirect("leads:detail", pk=lead.pk)
                context = _context(request, lead)
                context["announcement"] = _("%(kind)s wurde erfasst.") % {"kind": label}
                return render(request, TEMPLATE, context)
        status = 422
    else:
        initial = _initial(lead, activity_kind) | {"delegated_to": request.user.pk}
        form = QuickLogForm(kind=activity_kind, initial=initial, prefix="ql")
        status = 200
    context = {"lead": lead, "form": form, "slug": kind, "label": label}
    template = "leads/_timeline_form.html" if request.htmx else "leads/timeline_form_page.html"
    response = render(request, template, context, status=status)
    if request.htmx and status == 422:
        # htmx leaves 4xx responses unswapped unless told: show the form with its errors
        response["HX-Retarget"] = "#timeline-form"
        response["HX-Reswap"] = "innerHTML"
    return response


def _initial(lead: Lead, kind: str) -> dict:
    subjects = {
        ActivityKind.CALL: _("Anruf"),
        ActivityKind.NOTE: _("Notiz"),
        ActivityKind.TASK: _("Aufgabe"),
        ActivityKind.APPOINTMENT: _("Termin"),
        ActivityKind.EMAIL_OUT: "",
    }
    name = lead.display_name or lead.number
    initial = {"subject": f"{subjects[kind]}: {name}" if subjects[kind] else ""}
    if kind == ActivityKind.EMAIL_OUT:
        initial["mail_to"] = lead.email
    return initial


@require_POST
@role_required()
def activity_done(request: HttpRequest, pk: int, activity_pk: int) -> HttpResponse:
    """Tick an open task/appointment done (checkbox checked) or open it again."""
    lead = _lead(request, pk, edit=True)
    activity = get_object_or_404(
        Activity.objects.select_related("person", "delegated_to", "created_by"),
        pk=activity_pk,
        leads=lead,
    )
    activity = activity_set_done(
        activity=activity, done=bool(request.POST.get("done")), user=request.user
    )
    if not request.htmx:
        return redirect("leads:detail", pk=lead.pk)
    entry = activity_entry(activity)
    return render(
        request,
        f"{TEMPLATE}#entry",
        {"lead": lead, "entry": entry, "can_edit": True, "announce_done": True},
    )
