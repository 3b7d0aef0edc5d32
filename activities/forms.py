"""Forms of the activities screens and the mail dialog (they validate; services save)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from activities.mail import parse_addresses
from activities.models import Activity, ActivityKind, ActivityStatus
from contacts.models import Company, Person
from ui.validators import validate_single_line
from ui.widgets import LocalDateTimeInput


def _users():
    return get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name")


class ActivityForm(forms.ModelForm):
    person = forms.ModelChoiceField(
        Person.objects.all(), required=False, widget=forms.HiddenInput, label=_("Aktivität mit")
    )
    company = forms.ModelChoiceField(
        Company.objects.all(), required=False, widget=forms.HiddenInput, label=_("Firma")
    )

    class Meta:
        model = Activity
        fields = [
            "kind",
            "subject",
            "start",
            "end",
            "status",
            "delegated_to",
            "body",
            "person",
            "company",
        ]
        widgets = {
            # dd.mm.yyyy hh:mm whatever the browser's language (ui/widgets.py); the fields keep
            # Django's input formats: the language's own plus ISO 8601
            "start": LocalDateTimeInput(),
            "end": LocalDateTimeInput(),
            "body": forms.Textarea(attrs={"rows": 6}),
        }

    # the version the form was loaded with (optimistic locking); required when editing
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].required = True
            self.fields["version"].initial = self.instance.version
            self.fields["version"].max_value = 2**31
            self.fields["version"].error_messages["required"] = _(
                "Die Version des Formulars fehlt; bitte laden Sie die Seite neu."
            )
        else:
            del self.fields["version"]
        self.fields["delegated_to"].queryset = _users()
        for field in self.fields.values():
            if isinstance(field.widget, forms.HiddenInput):
                continue
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("Das Ende darf nicht vor dem Beginn liegen."))
        if data.get("kind") == ActivityKind.APPOINTMENT and not start:
            self.add_error("start", _("Ein Termin braucht einen Beginn."))
        return data

    def service_data(self) -> dict:
        return {f: self.cleaned_data.get(f) for f in self.Meta.fields}


class ActivityFilterForm(forms.Form):
    scope = forms.ChoiceField(
        choices=[("mine", _("Meine")), ("all", _("Alle"))], required=False, label=_("Anzeigen")
    )
    kind = forms.ChoiceField(
        choices=[("", _("Alle Arten")), *ActivityKind.choices], required=False, label=_("Art")
    )
    status = forms.ChoiceField(
        choices=[("", _("Alle Status")), *ActivityStatus.choices],
        required=False,
        label=_("Status"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"


class MailDialogForm(forms.Form):
    mail_to = forms.CharField(label=_("An"), max_length=500)
    mail_cc = forms.CharField(label=_("Cc"), max_length=500, required=False)
    subject = forms.CharField(label=_("Betreff"), max_length=200, validators=[validate_single_line])
    body = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 14}), max_length=20000
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "version":
                field.widget.attrs.setdefault("class", "form-control")

    def _addresses(self, name: str, required: bool) -> str:
        value = self.cleaned_data.get(name, "")
        try:
            addresses = parse_addresses(value)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc
        if required and not addresses:
            raise ValidationError(_("Bitte mindestens einen Empfänger angeben."))
        return ", ".join(addresses)

    def clean_mail_to(self) -> str:
        return self._addresses("mail_to", True)

    def clean_mail_cc(self) -> str:
        return self._addresses("mail_cc", False)


class TemplateChoiceForm(forms.Form):
    template = forms.ModelChoiceField(
        queryset=None,
        label=_("Mailvorlage"),
        empty_label=None,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates
        self.fields["template"].error_messages["required"] = _("Bitte eine Mailvorlage wählen.")
        self.fields["template"].error_messages["invalid_choice"] = _(
            "Diese Mailvorlage ist nicht verfügbar."
        )


class UserPickForm(forms.Form):
    users = forms.ModelMultipleChoiceField(
        queryset=None,
        label=_("Mitarbeiter"),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, exclude_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["users"].queryset = _users().exclude(pk__in=[i for i in exclude_ids if i])
        self.fields["users"].error_messages["required"] = _(
            "Bitte mindestens einen Mitarbeiter auswählen."
        )


class PersonPickForm(forms.Form):
    persons = forms.ModelMultipleChoiceField(
        queryset=Person.objects.all(),
        label=_("Ansprechpartner"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["persons"].error_messages["required"] = _(
            "Bitte mindestens einen Ansprechpartner auswählen."
        )
        self.fields["persons"].error_messages["invalid_choice"] = _(
            "Ein ausgewählter Ansprechpartner existiert nicht mehr."
        )
