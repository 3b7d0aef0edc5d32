"""Forms of the contacts screens. They validate; the services save."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from contacts import selectors
from contacts.models import Category, Company, LeadStatus, Person

TEXT_MAX = {"too_long": _("Bitte höchstens %(limit_value)d Zeichen eingeben.")}


class BootstrapMixin:
    def _style(self):
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            if self.is_bound and name in self.errors:
                css += " is-invalid"
            widget.attrs["class"] = css


class CompanyForm(BootstrapMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    website = forms.URLField(
        label=_("Webseite"),
        required=False,
        max_length=300,
        assume_scheme="https",
        error_messages={"invalid": _("Bitte eine gültige Webadresse eingeben (https://…).")},
    )
    phone = PhoneNumberField(
        label=_("Telefon"),
        required=False,
        region="DE",
        error_messages={"invalid": _("Bitte eine gültige Telefonnummer eingeben.")},
    )

    class Meta:
        model = Company
        fields = [
            "name",
            "category",
            "owner",
            "street",
            "postal_code",
            "city",
            "country",
            "phone",
            "email",
            "website",
            "industry",
        ]
        error_messages = {
            "name": {"required": _("Bitte einen Namen eingeben.")},
            "email": {"invalid": _("Bitte eine gültige E-Mail-Adresse eingeben.")},
            "website": {"invalid": _("Bitte eine gültige Webadresse eingeben (https://…).")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cat = self.fields["category"]
        cat.queryset = Category.objects.select_related("group")
        choices = selectors.category_choices()
        current = self.instance.category if self.instance.category_id else None
        if current is not None and not current.active:
            # an inactive category stays selectable on companies that still have it
            choices.append((str(_("Inaktiv")), [(current.pk, current.name)]))
        cat.choices = [("", "—")] + choices
        cat.error_messages["invalid_choice"] = _("Bitte eine gültige Kategorie auswählen.")
        owner = self.fields["owner"]
        owner.queryset = selectors.assignable_users()
        owner.error_messages["invalid_choice"] = _("Bitte einen gültigen Benutzer auswählen.")
        self.fields["country"].error_messages["invalid_choice"] = _(
            "Bitte ein gültiges Land auswählen."
        )
        if self.instance.pk:
            require_version(self.fields["version"], self.instance.version)
        self._style()


def require_version(field: forms.IntegerField, version: int) -> None:
    """An edit form must carry the version it was loaded with: a POST without it would
    skip the optimistic-locking check (issue 19)."""
    field.required = True
    field.initial = version
    field.min_value = 0
    field.error_messages["required"] = _(
        "Die Version des Formulars fehlt; bitte laden Sie die Seite neu."
    )


def keep_stored_version(form, version: int) -> None:
    """After a conflict the kept form carries the stored version, so saving again (after
    reading the message) applies the user's values instead of conflicting for ever."""
    form.data = form.data.copy()
    form.data["version"] = str(version)


class PersonForm(BootstrapMixin, forms.ModelForm):
    """Person data; the lead status is only offered when it applies (template hides it)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    phone = PhoneNumberField(
        label=_("Telefon"),
        required=False,
        region="DE",
        error_messages={"invalid": _("Bitte eine gültige Telefonnummer eingeben.")},
    )
    mobile = PhoneNumberField(
        label=_("Mobil"),
        required=False,
        region="DE",
        error_messages={"invalid": _("Bitte eine gültige Mobilnummer eingeben.")},
    )

    class Meta:
        model = Person
        fields = [
            "company",
            "salutation",
            "title",
            "first_name",
            "last_name",
            "function",
            "email",
            "phone",
            "mobile",
            "owner",
            "lead_status",
        ]
        error_messages = {
            "last_name": {"required": _("Bitte einen Nachnamen eingeben.")},
            "email": {"invalid": _("Bitte eine gültige E-Mail-Adresse eingeben.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        company = self.fields["company"]
        company.queryset = Company.objects.only("id", "name")
        company.error_messages["invalid_choice"] = _("Bitte eine gültige Firma auswählen.")
        # Only the chosen company is rendered; others are found through the company search
        # next to the select (contacts:company_options), so the page does not grow with the
        # number of companies.
        chosen = (
            self.data.get("company")
            if self.is_bound
            else (self.initial.get("company") or self.instance.company_id)
        )
        chosen_id = int(chosen) if str(chosen or "").isdecimal() and len(str(chosen)) < 10 else None
        company.choices = [("", "—")] + [
            (c.pk, c.name) for c in Company.objects.filter(pk=chosen_id).only("id", "name")
        ]
        owner = self.fields["owner"]
        owner.queryset = selectors.assignable_users()
        owner.error_messages["invalid_choice"] = _("Bitte einen gültigen Benutzer auswählen.")
        status = self.fields["lead_status"]
        status.queryset = LeadStatus.objects.all()
        status.error_messages["invalid_choice"] = _("Bitte einen gültigen Lead-Status auswählen.")
        status.help_text = ""
        self.fields["salutation"].error_messages["invalid_choice"] = _(
            "Bitte eine gültige Anrede auswählen."
        )
        for name in ("title", "first_name", "last_name", "function"):
            self.fields[name].error_messages["max_length"] = _(
                "Bitte höchstens %(limit_value)d Zeichen eingeben."
            )
        if self.instance.pk:
            require_version(self.fields["version"], self.instance.version)
        self._style()

    def service_data(self) -> dict:
        """cleaned_data for the service: the lead status only when the user could see it."""
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        if "lead_status" not in self.data:
            data.pop("lead_status", None)
        return data


class LeadStatusForm(BootstrapMixin, forms.Form):
    lead_status = forms.ModelChoiceField(
        label=_("Lead-Status"),
        queryset=LeadStatus.objects.all(),
        error_messages={
            "required": _("Bitte einen Lead-Status auswählen."),
            "invalid_choice": _("Bitte einen gültigen Lead-Status auswählen."),
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class BulkUpdateForm(BootstrapMixin, forms.Form):
    ACTIONS = [
        ("lead_status", _("Lead-Status setzen")),
        ("owner", _("Zuständig setzen")),
        ("category", _("Firmenkategorie setzen")),
    ]
    action = forms.ChoiceField(
        label=_("Aktion"),
        choices=ACTIONS,
        error_messages={"invalid_choice": _("Bitte eine gültige Aktion auswählen.")},
    )
    lead_status = forms.ModelChoiceField(
        label=_("Lead-Status"),
        queryset=LeadStatus.objects.all(),
        required=False,
        error_messages={"invalid_choice": _("Bitte einen gültigen Lead-Status auswählen.")},
    )
    owner = forms.ModelChoiceField(
        label=_("Zuständig"),
        queryset=None,
        required=False,
        error_messages={"invalid_choice": _("Bitte einen gültigen Benutzer auswählen.")},
    )
    category = forms.ModelChoiceField(
        label=_("Kategorie"),
        queryset=Category.objects.all(),
        required=False,
        error_messages={"invalid_choice": _("Bitte eine gültige Kategorie auswählen.")},
    )

    def __init__(self, *args, target: str = "person", **kwargs):
        super().__init__(*args, **kwargs)
        self.target = target
        self.fields["owner"].queryset = selectors.assignable_users()
        self.fields["category"].choices = [("", "—")] + selectors.category_choices()
        self._style()

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action and not data.get(action):
            self.add_error(action, _("Bitte einen Wert für die gewählte Aktion auswählen."))
        if action == "lead_status" and self.target != "person":
            self.add_error("action", _("Der Lead-Status kann nur für Personen gesetzt werden."))
        return data

    @property
    def value(self):
        action = self.cleaned_data["action"]
        return self.cleaned_data[action]
