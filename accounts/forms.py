"""The profile form: the few settings a user maintains themselves."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User


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
