"""Activity card, create (prefilled from ?lead=/?person=/?company=), edit, mark done."""

from __future__ import annotations

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from activities import selectors, services
from activities.forms import ActivityForm
from activities.models import Activity, ActivityKind
from contacts.models import Company, Person


def _next(request: HttpRequest, fallback: str) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return fallback


@role_required()
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.activity_detail(pk)
    if activity is None:
        raise Http404
    context = {
        "activity": activity,
        "can_edit": selectors.can_edit(request.user, activity),
        "leads": list(activity.leads.all()) if hasattr(activity, "leads") else [],
    }
    return render(request, "activities/detail.html", context)


def _prefill(request: HttpRequest) -> tuple[dict, object]:
    """Initial values from ?lead=, ?person=, ?company=; returns (initial, lead or None)."""
    initial: dict = {"kind": request.GET.get("kind") or ActivityKind.TASK}
    start, end = services.default_period()
    initial.update(start=start, end=end, delegated_to=request.user)
    lead = None
    # leads sit above activities; reach the model through the registry, not an import
    Lead = apps.get_model("leads", "Lead")
    lead_id = request.GET.get("lead") or request.POST.get("lead")
    if lead_id and str(lead_id).isdecimal() and len(str(lead_id)) < 10:
        lead = Lead.objects.select_related("customer").filter(pk=lead_id).first()
        # attached to a lead only when the user may edit it (the lead mask's rule)
        if lead is not None and not request.user.has_perm("leads.change_lead", lead):
            raise PermissionDenied
        if lead is not None:
            main = lead.lead_contacts.filter(is_main=True).select_related("person").first()
            initial.update(company=lead.customer, person=main.person if main else None)
    person_id = request.GET.get("person")
    if person_id and person_id.isdecimal() and len(person_id) < 10:
        person = Person.objects.select_related("company").filter(pk=person_id).first()
        if person:
            initial.update(person=person, company=person.company)
    company_id = request.GET.get("company")
    if company_id and company_id.isdecimal() and len(company_id) < 10:
        company = Company.objects.filter(pk=company_id).first()
        if company:
            initial["company"] = company
    return initial, lead


@role_required()
def activity_create(request: HttpRequest) -> HttpResponse:
    initial, lead = _prefill(request)
    back = _next(request, lead.get_absolute_url() if lead is not None else "")
    form = ActivityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                activity = services.activity_create(data=form.service_data(), user=request.user)
                if lead is not None:
                    lead.activities.add(activity)
        except services.ActivityError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Aktivität angelegt."))
            return redirect(back or activity.get_absolute_url())
    context = {"form": form, "lead": lead, "activity": None, "next": back}
    return render(request, "activities/form.html", context)


@role_required()
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_object_or_404(Activity.objects.for_list(), pk=pk)
    if not selectors.can_edit(request.user, activity):
        raise PermissionDenied
    form = ActivityForm(request.POST or None, instance=activity)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        # the form wrote onto the instance; reload so the service sees the stored values
        stored = Activity.objects.get(pk=pk)
        try:
            services.activity_update(
                activity=stored,
                data=data,
                user=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except services.ActivityError as exc:
            form.add_error(None, exc.message)
            # the kept form carries the stored version: saving again (after reading the
            # message) applies the user's values instead of conflicting for ever
            form.data = form.data.copy()
            form.data["version"] = str(Activity.objects.get(pk=pk).version)
        else:
            messages.success(request, _("Aktivität gespeichert."))
            return redirect(_next(request, stored.get_absolute_url()))
    context = {"form": form, "activity": activity, "lead": None, "next": _next(request, "")}
    return render(request, "activities/form.html", context)


@require_POST
@role_required()
def activity_done(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_object_or_404(Activity, pk=pk)
    if not selectors.can_edit(request.user, activity):
        raise PermissionDenied
    services.activity_mark_done(activity=activity, user=request.user)
    messages.success(request, _("Aktivität als erledigt markiert."))
    return redirect(_next(request, activity.get_absolute_url()))
