"""The conversion wizard [Konvertierung]: 1 Geschäftspartner, 2 Ansprechpartner, 3 Anfrage/
Angebot. Each step posts to the same URL (HTMX swaps the wizard; without JS the page
reloads); the choices so far travel in one signed hidden field, and only the last step
writes, through `leads.conversion.lead_convert`.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from accounts.permissions import role_required
from contacts.duplicates import find_company_duplicates, find_person_duplicates, normalize_phone
from contacts.models import Category, Company, Person, Salutation
from conversion import services as conversion
from leads.errors import LeadError
from leads.models import Lead, OpportunityKind
from leads.permissions import can_qualify_lead

STATE_SALT = "leads.conversion.state"
SEARCH_LIMIT = 15


def _phone(form: forms.Form, name: str) -> str:
    value = (form.cleaned_data.get(name) or "").strip()
    if value and not normalize_phone(value):
        raise ValidationError(_("Bitte geben Sie eine gültige Telefonnummer an."))
    return normalize_phone(value) if value else ""


class CompanyStepForm(forms.Form):
    mode = forms.ChoiceField(
        choices=[
            ("new", _lazy("Neuen Geschäftspartner anlegen")),
            ("existing", _lazy("Bestehenden wählen")),
        ],
        widget=forms.RadioSelect,
    )
    company = forms.ModelChoiceField(queryset=Company.objects.all(), required=False)
    name = forms.CharField(label=_lazy("Name"), max_length=200, required=False)
    category = forms.ModelChoiceField(
        label=_lazy("Kategorie"), queryset=Company.objects.none(), required=False
    )
    street = forms.CharField(label=_lazy("Straße"), max_length=200, required=False)
    postal_code = forms.CharField(label=_lazy("PLZ"), max_length=12, required=False)
    city = forms.CharField(label=_lazy("Ort"), max_length=100, required=False)
    phone = forms.CharField(label=_lazy("Telefon"), max_length=40, required=False)
    email = forms.EmailField(label=_lazy("E-Mail"), required=False)
    website = forms.URLField(
        label=_lazy("Webseite"), max_length=300, required=False, assume_scheme="https"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = conversion.prospect_categories()
        for name, field in self.fields.items():
            if name not in ("mode", "company"):
                css = "form-select" if name == "category" else "form-control"
                field.widget.attrs.setdefault("class", css)

    def clean_phone(self) -> str:
        return _phone(self, "phone")

    def clean(self):
        data = super().clean()
        if data.get("mode") == "existing" and not data.get("company"):
            raise ValidationError(_("Bitte wählen Sie einen Geschäftspartner."))
        if data.get("mode") == "new":
            if not (data.get("name") or "").strip():
                self.add_error("name", _("Bitte geben Sie einen Namen an."))
            if not data.get("category"):
                self.add_error("category", _("Bitte wählen Sie eine Kategorie."))
        return data


class PersonStepForm(forms.Form):
    mode = forms.ChoiceField(
        choices=[
            ("new", _lazy("Neuen Ansprechpartner anlegen")),
            ("existing", _lazy("Bestehenden wählen")),
        ],
        widget=forms.RadioSelect,
    )
    person = forms.ModelChoiceField(queryset=Person.objects.none(), required=False)
    salutation = forms.ChoiceField(
        label=_lazy("Anrede"), choices=Salutation.choices, required=False
    )
    first_name = forms.CharField(label=_lazy("Vorname"), max_length=100, required=False)
    last_name = forms.CharField(label=_lazy("Nachname"), max_length=100, required=False)
    function = forms.CharField(label=_lazy("Funktion"), max_length=120, required=False)
    email = forms.EmailField(label=_lazy("E-Mail"), required=False)
    phone = forms.CharField(label=_lazy("Telefon"), max_length=40, required=False)

    def __init__(self, *args, company_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (
            Person.objects.filter(company_id=company_id) if company_id else Person.objects.none()
        )
        for name, field in self.fields.items():
            if name not in ("mode", "person"):
                css = "form-select" if name == "salutation" else "form-control"
                field.widget.attrs.setdefault("class", css)

    def clean_phone(self) -> str:
        return _phone(self, "phone")

    def clean(self):
        data = super().clean()
        if data.get("mode") == "existing" and not data.get("person"):
            raise ValidationError(_("Bitte wählen Sie einen Ansprechpartner."))
        if data.get("mode") == "new" and not (data.get("last_name") or "").strip():
            self.add_error("last_name", _("Bitte geben Sie den Nachnamen an."))
        return data


class OpportunityStepForm(forms.Form):
    kind = forms.ChoiceField(
        label=_lazy("Verkaufschance"),
        choices=[("", _lazy("Keine anlegen")), *OpportunityKind.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(label=_lazy("Titel"), max_length=200, required=False)
    amount = forms.DecimalField(
        label=_lazy("Betrag (EUR)"), max_digits=12, decimal_places=2, min_value=0, required=False
    )
    expected_close = forms.DateField(
        label=_lazy("Voraussichtlicher Abschluss"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    description = forms.CharField(
        label=_lazy("Beschreibung"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "kind":
                field.widget.attrs.setdefault("class", "form-control")

    def clean(self):
        data = super().clean()
        if data.get("kind") and not (data.get("title") or "").strip():
            self.add_error("title", _("Bitte geben Sie einen Titel an."))
        return data


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


# --- steps ----------------------------------------------------------------------------------


def _company_context(request, lead: Lead, form: CompanyStepForm) -> dict:
    q = (request.GET.get("q") or request.POST.get("q") or "").strip()[:100]
    suggestions = find_company_duplicates(
        {"company_name": lead.company_name, "email": lead.email, "phone": str(lead.phone or "")}
    )
    hits = []
    if q:
        hits = list(
            Company.objects.filter(Q(name__icontains=q) | Q(city__icontains=q))
            .select_related("category")
            .order_by("name", "id")[:SEARCH_LIMIT]
        )
    selected = form["company"].value()
    return {
        "suggestions": suggestions,
        "hits": hits,
        "q": q,
        "selected_company": str(selected or ""),
    }


def _person_context(lead: Lead, state: dict) -> dict:
    company_id = state.get("company")
    persons, suggestions = [], []
    if company_id:
        company = Company.objects.filter(pk=company_id).first()
        persons = list(
            Person.objects.filter(company_id=company_id).order_by("last_name", "first_name")[:50]
        )
        suggestions = find_person_duplicates(
            {
                "email": lead.email,
                "phone": str(lead.phone or ""),
                "last_name": lead.last_name,
                "first_name": lead.first_name,
            },
            company=company,
        )
    return {"persons": persons, "person_suggestions": {c.obj.pk for c in suggestions}}


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


def _step1(request, lead, state, data=None, status=200):
    initial = conversion.company_initial(lead)
    initial["mode"] = "existing" if state.get("company") else "new"
    initial["company"] = state.get("company")
    if state.get("company_data"):
        initial.update(state["company_data"])
    form = CompanyStepForm(data, initial=initial, auto_id="company_%s")
    return _render(request, lead, 1, form, state, _company_context(request, lead, form), status)


def _step2(request, lead, state, data=None, status=200):
    initial = conversion.person_initial(lead)
    initial["mode"] = "existing" if state.get("person") else "new"
    initial["person"] = state.get("person")
    if state.get("person_data"):
        initial.update(state["person_data"])
    form = PersonStepForm(
        data, initial=initial, company_id=state.get("company"), auto_id="person_%s"
    )
    return _render(request, lead, 2, form, state, _person_context(lead, state), status)


def _step3(request, lead, state, data=None, status=200):
    form = OpportunityStepForm(
        data, initial=conversion.opportunity_initial(lead), auto_id="opportunity_%s"
    )
    return _render(request, lead, 3, form, state, None, status)


@require_http_methods(["GET", "POST"])
@role_required()
def convert(request: HttpRequest, pk: int) -> HttpResponse:
    lead = get_object_or_404(Lead.objects.select_related("status"), pk=pk)
    if not can_qualify_lead(request.user, lead):
        raise PermissionDenied
    if lead.converted_at is not None:
        messages.info(request, _("Dieser Lead wurde bereits konvertiert."))
        return redirect("leads:detail", pk=lead.pk)
    if request.method == "GET":
        return _step1(request, lead, {"lead": lead.pk, "v": lead.version})

    state = _load(request, lead)
    step = request.POST.get("step", "1")
    if request.POST.get("back"):
        return _step2(request, lead, state) if step == "3" else _step1(request, lead, state)
    if request.POST.get("search") is not None and step == "1":
        return _step1(request, lead, state)
    if step == "1":
        form = CompanyStepForm(request.POST, auto_id="company_%s")
        if not form.is_valid():
            return _render(
                request, lead, 1, form, state, _company_context(request, lead, form), 400
            )
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
        form = PersonStepForm(request.POST, company_id=state.get("company"), auto_id="person_%s")
        if not form.is_valid():
            return _render(request, lead, 2, form, state, _person_context(lead, state), 400)
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
    except LeadError as exc:
        form.add_error(None, exc.message)
        return _render(request, lead, 3, form, state, None, 409)
    text = _("Lead konvertiert: Geschäftspartner „%(company)s“, Ansprechpartner %(person)s") % {
        "company": result.company,
        "person": result.person,
    }
    if result.opportunity:
        text += _(", %(opp)s") % {"opp": result.opportunity}
    messages.success(request, text + ".")
    url = reverse("leads:detail", args=[lead.pk])
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)
