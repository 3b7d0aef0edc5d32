"""Forms of the calendar: move an appointment, cancel it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ui.dates import SaneDateTimeField
from ui.widgets import LocalDateTimeInput


class MoveForm(forms.Form):
    start = SaneDateTimeField(label=_("Beginn"), widget=LocalDateTimeInput())
    end = SaneDateTimeField(label=_("Ende"), widget=LocalDateTimeInput())
    location = forms.CharField(label=_("Ort"), max_length=200, required=False)
    send_invitation = forms.BooleanField(
        label=_("Einladung senden"),
        required=False,
        help_text=_("Der Kontakt erhält den Termin (oder seine Änderung) als Kalendereinladung."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("start", "end", "location"):
            self.fields[name].widget.attrs["class"] = "form-control form-control-sm"
        self.fields["send_invitation"].widget.attrs["class"] = "form-check-input"

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("Das Ende darf nicht vor dem Beginn liegen."))
        return cleaned


class CancelForm(forms.Form):
    send_cancellation = forms.BooleanField(label=_("Absage an den Kontakt senden"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)
