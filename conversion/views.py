"""The conversion wizard [Konvertierung]: 1 Geschäftspartner, 2 Ansprechpartner, 3 Anfrage/
Angebot. Each step posts to the same URL (HTMX swaps the wizard; without JS the page
reloads); the choices so far travel in one signed hidden field, and only the last step
writes, through `conversion.services.lead_convert`.

Every request, GET or POST, first checks the action box's entry for the conversion
(`leads.action_box`: the object permission and "no Geschäftspartner or Ansprechpartner
linked, not converted"), so the wizard runs exactly when the box offers it. The forms are
in conversion/forms.py; which existing records it links by default, in
conversion/selectors.py.
"""

from __future__ import annotations

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from accounts.permissions import role_required
from contacts.models import Category, Company, Person
from conversion import selectors
from conversion import services as conversion
from conversion.forms import CompanyStepForm, OpportunityStepForm, PersonStepForm
from leads.action_box import CONVERT, action_box_entry
from leads.errors import LeadError
from leads.models import Lead

STATE_SALT = "leads.conversion.state"
SEARCH_LIMIT = 15


# --- state ----------------------------------------------------------------------------------


def _dump(state: dict) -> str:
    return signing.dumps(state, salt=STATE_SALT, compress=True)


def _load(request: HttpRequest, lead: Lead) -> dict:
    try:
        state = signing.loads(request.POST.get("state", ""), salt=STATE_SALT, max_age=6 * 3600)
    except signing.BadSignature:
        return {"lead": lead.pk, "v": lead.version}
    if state.get("lead") != lead.pk:
        return {"lead": lead.pk, "v": lead.version}
    return state


def _company_payload(data: dict) -> dict:
    payload = {
        k: data.get(k) or ""
        for k in ("name", "street", "postal_code", "city", "phone", "email", "website")
    }
    payload["category"] = data["category"].pk if data.get("category") else None
    return payload


def _company_label(state: dict) -> str:
    if state.get("company"):
        company = Company.objects.filter(pk=state["company"]).first()
        return str(company) if company else ""
    return (state.get("company_data") or {}).get("name", "")


def _leave(request: HttpRequest, lead: Lead, level: int, text: str) -> HttpResponse:
    """Back to the lead page (inside the app layout), with `text` as a message."""
    messages.add_message(request, level, text)
    url = reverse("leads:detail", args=[lead.pk])
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _refusal(request: HttpRequest, lead: Lead) -> HttpResponse | None:
    """None when the wizard may run. Else nothing changes: a user who may not convert the
    lead gets the German 403 page with the reason; a converted lead, or one the box does
    not offer the conversion for, sends the user back to the lead page with a message."""
    entry = action_box_entry(lead, request.user, CONVERT)
    if not entry["allowed"]:
        raise PermissionDenied(entry["reason"])
    if lead.converted_at is not None:  # a second submit or an old tab: done already
        return _leave(request, lead, messages.INFO, _("Dieser Lead wurde bereits konvertiert."))
    if not entry["enabled"]:
        return _leave(
            request,
            lead,
            messages.ERROR,
            _("Die Konvertierung ist nicht möglich: %(reason)s") % {"reason": entry["reason"]},
        )
    return None


# --- steps ----------------------------------------------------------------------------------


def _company_context(request, lead: Lead, form: CompanyStepForm, candidates) -> dict:
    q = (request.GET.get("q") or request.POST.get("q") or "").strip()[:100]
    hits = []
    if q:
        hits = list(
            Company.objects.filter(Q(name__icontains=q) | Q(city__icontains=q))
            .select_related("category")
            .order_by("name", "id")[:SEARCH_LIMIT]
        )
    exact = selectors.exact_company(candidates)
    return {
        "suggestions": candidates,
        "exact_company": exact.obj if exact else None,
        "hits": hits,
        "q": q,
        "selected_company": str(form["company"].value() or ""),
    }


def _person_context(lead: Lead, company: Company | None) -> tuple[dict, selectors.PersonChoice]:
    choice = selectors.person_choice(lead, company)
    return {
        "persons": choice.persons,
        "person_reasons": choice.reasons,
        "exact_person": choice.preselected,
        "person_elsewhere": choice.elsewhere,
    }, choice


def _render(
    request, lead: Lead, step: int, form, state: dict, extra: dict | None = None, status=200
):
    context = {
        "lead": lead,
        "step": step,
        "form": form,
        "state": _dump(state),
        "company_label": _company_label(state),
        "steps": [(1, _("Geschäftspartner")), (2, _("Ansprechpartner")), (3, _("Anfrage/Angebot"))],
        **(extra or {}),
    }
    # Each step's fields have their own id prefix: htmx settles attributes between elements
    # with the same id, which the strict CSP reports as inline style.
    template = "conversion/wizard.html"
    if request.htmx and not request.GET.get("full"):
        template += "#wizard"
    return render(request, template, context, status=status)


def _company_form(lead: Lead, data=None, initial=None) -> CompanyStepForm:
    return CompanyStepForm(data, initial=initial, auto_id="company_%s", lead_email=lead.email)


def _step1(request, lead, state):
    candidates = selectors.lead_company_candidates(lead)
    initial = conversion.company_initial(lead)
    if state.get("company") or state.get("company_data"):  # the choice made before "Zurück"
        initial["mode"] = "existing" if state.get("company") else "new"
        initial["company"] = state.get("company")
        initial.update(state.get("company_data") or {})
        initial["force_new"] = bool(state.get("company_data"))
    else:  # links by default: an exact match is preselected
        preselected = selectors.company_preselection(lead, candidates)
        initial["mode"] = "existing" if preselected else "new"
        initial["company"] = preselected.pk if preselected else None
    form = _company_form(lead, initial=initial)
    return _render(request, lead, 1, form, state, _company_context(request, lead, form, candidates))


def _person_form(company, data=None, initial=None) -> PersonStepForm:
    return PersonStepForm(data, initial=initial, company=company, auto_id="person_%s")


def _step2(request, lead, state):
    company = Company.objects.filter(pk=state.get("company") or 0).first()
    extra, choice = _person_context(lead, company)
    initial = conversion.person_initial(lead)
    if state.get("person") or state.get("person_data"):  # the choice made before "Zurück"
        initial["mode"] = "existing" if state.get("person") else "new"
        initial["person"] = state.get("person")
        initial.update(state.get("person_data") or {})
        initial["force_new"] = bool(state.get("person_data"))
    else:
        initial["mode"] = "existing" if choice.preselected else "new"
        initial["person"] = choice.preselected.pk if choice.preselected else None
    return _render(request, lead, 2, _person_form(company, initial=initial), state, extra)


def _step3(request, lead, state, data=None, status=200):
    form = OpportunityStepForm(
        data, initial=conversion.opportunity_initial(lead), auto_id="opportunity_%s"
    )
    return _render(request, lead, 3, form, state, None, status)


@require_http_methods(["GET", "POST"])
@role_required()
def convert(request: HttpRequest, pk: int) -> HttpResponse:
    lead = get_object_or_404(Lead.objects.select_related("status", "customer"), pk=pk)
    refused = _refusal(request, lead)
    if refused is not None:
        return refused
    if request.method == "GET":
        return _step1(request, lead, {"lead": lead.pk, "v": lead.version})

    state = _load(request, lead)
    step = request.POST.get("step", "1")
    if request.POST.get("back"):
        return _step2(request, lead, state) if step == "3" else _step1(request, lead, state)
    if request.POST.get("search") is not None and step == "1":
        return _step1(request, lead, state)
    if step == "1":
        form = _company_form(lead, request.POST)
        if not form.is_valid():
            candidates = selectors.lead_company_candidates(lead)
            extra = _company_context(request, lead, form, candidates)
            return _render(request, lead, 1, form, state, extra, 400)
        if form.cleaned_data["mode"] == "existing":
            state.update(company=form.cleaned_data["company"].pk, company_data=None)
        else:
            state.update(company=None, company_data=_company_payload(form.cleaned_data))
        if (
            state.get("person")
            and not Person.objects.filter(
                pk=state["person"], company_id=state.get("company") or 0
            ).exists()
        ):
            state["person"] = None
        return _step2(request, lead, state)
    if step == "2":
        company = Company.objects.filter(pk=state.get("company") or 0).first()
        form = _person_form(company, request.POST)
        if not form.is_valid():
            extra, _choice = _person_context(lead, company)
            return _render(request, lead, 2, form, state, extra, 400)
        if form.cleaned_data["mode"] == "existing":
            state.update(person=form.cleaned_data["person"].pk, person_data=None)
        else:
            data = {
                k: form.cleaned_data.get(k) or ""
                for k in ("salutation", "first_name", "last_name", "function", "email", "phone")
            }
            state.update(person=None, person_data=data)
        return _step3(request, lead, state)

    form = OpportunityStepForm(request.POST, auto_id="opportunity_%s")
    if not form.is_valid():
        return _render(request, lead, 3, form, state, None, 400)
    company_data = dict(state.get("company_data") or {})
    if company_data:
        company_data["category"] = Category.objects.filter(pk=company_data.get("category")).first()
    try:
        result = conversion.lead_convert(
            lead=lead,
            user=request.user,
            expected_version=int(state.get("v", 0)),
            company=Company.objects.filter(pk=state.get("company") or 0).first(),
            company_data=company_data or None,
            person=Person.objects.filter(pk=state.get("person") or 0).first(),
            person_data=state.get("person_data"),
            opportunity_data=form.cleaned_data,
        )
    except conversion.AlreadyConvertedError:  # the same submit twice at once: one won
        return _leave(request, lead, messages.INFO, _("Dieser Lead wurde bereits konvertiert."))
    except LeadError as exc:
        form.add_error(None, exc.message)
        return _render(request, lead, 3, form, state, None, 409)
    text = _("Lead konvertiert: Geschäftspartner „%(company)s“, Ansprechpartner %(person)s") % {
        "company": result.company,
        "person": result.person,
    }
    if result.opportunity:  # linked: the opportunity has its own page now
        opportunity = result.opportunity
        text = format_html(
            '{}, <a href="{}">{}</a>', text, opportunity.get_absolute_url(), opportunity
        )
    messages.success(request, format_html("{}.", text))
    url = reverse("leads:detail", args=[lead.pk])
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)
