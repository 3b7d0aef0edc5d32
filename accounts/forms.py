"""The profile form: the few settings a user maintains themselves."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import TokenScope, User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["signature", "absent_from", "absent_until", "daily_digest"]
        widgets = {
            "signature": forms.Textarea(attrs={"rows": 6, "class": "form-control"}),
            "absent_from": forms.DateInput(
                format="%Y-%m-%d", attrs={"type": "date", "class": "form-control"}
            ),
            "absent_until": forms.DateInput(
                format="%Y-%m-%d", attrs={"type": "date", "class": "form-control"}
            ),
            "daily_digest": forms.CheckboxInput(attrs={"class": "form-check-input"}),
        }
        help_texts = {
            "signature": _("Wird unter E-Mails gesetzt, die Sie aus LeadCRM versenden."),
            "absent_until": _(
                "Während der Abwesenheit bekommen Sie keine neuen Leads automatisch zugeteilt."
            ),
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("absent_from"), cleaned.get("absent_until")
        if bool(start) != bool(end) and not self.errors:
            raise forms.ValidationError(
                _("Bitte Beginn und Ende der Abwesenheit angeben (oder beide Felder leeren).")
            )
        if start and end and end < start:
            self.add_error("absent_until", _("Das Ende der Abwesenheit liegt vor ihrem Beginn."))
        return cleaned


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("Wofür das Token ist, z. B. „Zapier“ oder „Website“."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    scope = forms.ChoiceField(
        label=_("Berechtigung"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    expires_on = forms.DateField(
        label=_("Gültig bis"),
        required=False,
        help_text=_("Leer lassen für ein Token ohne Ablaufdatum."),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "class": "form-control"}),
    )

    def expires_at(self):
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        # valid through the chosen day (local time)
        return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
