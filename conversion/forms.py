"""The forms of the conversion wizard's three steps. They validate only; the last step's
data goes to `conversion.services.lead_convert`.

Creating a Geschäftspartner or Ansprechpartner next to an exact match (see
`conversion.selectors`) takes an explicit "Trotzdem neu anlegen": a duplicate is a choice,
never the default.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from contacts.duplicates import normalize_phone
from contacts.models import Company, Person, Salutation
from conversion import selectors
from conversion.services import prospect_categories
from opportunities.models import OpportunityKind


def _phone(form: forms.Form, name: str) -> str:
    value = (form.cleaned_data.get(name) or "").strip()
    if value and not normalize_phone(value):
        raise ValidationError(_("Bitte geben Sie eine gültige Telefonnummer an."))
    return normalize_phone(value) if value else ""


def _style(form: forms.Form, plain: tuple[str, ...], selects: tuple[str, ...] = ()) -> None:
    for name, field in form.fields.items():
        if name not in plain:
            css = "form-select" if name in selects else "form-control"
            field.widget.attrs.setdefault("class", css)


def _duplicate_error(label: str, obj, reasons) -> str:
    return _(
        "„%(obj)s“ gibt es schon (%(reasons)s). Wählen Sie den bestehenden %(label)s oder "
        "bestätigen Sie „Trotzdem neu anlegen“."
    ) % {"obj": obj, "reasons": ", ".join(reasons), "label": label}


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
    force_new = forms.BooleanField(label=_lazy("Trotzdem neu anlegen"), required=False)

    def __init__(self, *args, lead_email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.lead_email = lead_email
        self.fields["category"].queryset = prospect_categories()
        _style(self, ("mode", "company", "force_new"), ("category",))
        self.fields["force_new"].widget.attrs["class"] = "form-check-input"

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
            if not self.errors and not data.get("force_new"):
                match = selectors.exact_company(
                    selectors.company_candidates(
                        name=data["name"],
                        email=data.get("email") or self.lead_email,
                        phone=data.get("phone") or "",
                    )
                )
                if match is not None:
                    self.add_error(
                        "force_new",
                        _duplicate_error(_("Geschäftspartner"), match.obj, match.reasons),
                    )
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
    force_new = forms.BooleanField(label=_lazy("Trotzdem neu anlegen"), required=False)

    def __init__(self, *args, company: Company | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.company = company
        self.fields["person"].queryset = (
            Person.objects.filter(company=company) if company else Person.objects.none()
        )
        _style(self, ("mode", "person", "force_new"), ("salutation",))
        self.fields["force_new"].widget.attrs["class"] = "form-check-input"

    def clean_phone(self) -> str:
        return _phone(self, "phone")

    def clean(self):
        data = super().clean()
        if data.get("mode") == "existing" and not data.get("person"):
            raise ValidationError(_("Bitte wählen Sie einen Ansprechpartner."))
        if data.get("mode") == "new":
            if not (data.get("last_name") or "").strip():
                self.add_error("last_name", _("Bitte geben Sie den Nachnamen an."))
            elif not self.errors and not data.get("force_new"):
                match = selectors.exact_person(
                    selectors.person_candidates(
                        email=data.get("email") or "",
                        phone=data.get("phone") or "",
                        first_name=data.get("first_name") or "",
                        last_name=data["last_name"],
                        company=self.company,
                    )
                )
                if match is not None:
                    self.add_error(
                        "force_new",
                        _duplicate_error(_("Ansprechpartner"), match.obj, match.reasons),
                    )
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
        _style(self, ("kind",))

    def clean(self):
        data = super().clean()
        if data.get("kind") and not (data.get("title") or "").strip():
            self.add_error("title", _("Bitte geben Sie einen Titel an."))
        return data
