"""The small forms of the timeline's quick-log buttons (they validate; quick_log saves)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from activities.models import ActivityKind
from ui.widgets import LocalDateTimeInput

# kind slug in the URL → activity kind, button label, icon
BUTTONS = {
    "anruf": (ActivityKind.CALL, _("Anruf"), "telephone"),
    "notiz": (ActivityKind.NOTE, _("Notiz"), "sticky"),
    "aufgabe": (ActivityKind.TASK, _("Aufgabe"), "check2-square"),
    "email": (ActivityKind.EMAIL_OUT, _("E-Mail"), "envelope"),
    "termin": (ActivityKind.APPOINTMENT, _("Termin"), "calendar-event"),
}


class QuickLogForm(forms.Form):
    subject = forms.CharField(label=_("Betreff"), max_length=200)
    body = forms.CharField(
        label=_("Inhalt"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    mail_to = forms.CharField(label=_("An"), max_length=500, required=False)
    # the reader's format whatever the browser's language (ui.widgets); the fields take
    # every input format of the language and ISO 8601
    start = forms.DateTimeField(label=_("Termin von"), required=False, widget=LocalDateTimeInput())
    end = forms.DateTimeField(label=_("Termin bis"), required=False, widget=LocalDateTimeInput())
    delegated_to = forms.ModelChoiceField(
        get_user_model().objects.none(), label=_("Zuständig"), required=False
    )

    # which fields each kind shows, in order
    FIELDS = {
        ActivityKind.CALL: ("subject", "body"),
        ActivityKind.NOTE: ("subject", "body"),
        ActivityKind.TASK: ("subject", "start", "delegated_to", "body"),
        ActivityKind.EMAIL_OUT: ("mail_to", "subject", "body"),
        ActivityKind.APPOINTMENT: ("subject", "start", "end", "delegated_to", "body"),
    }

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        for name in [n for n in self.fields if n not in self.FIELDS[kind]]:
            del self.fields[name]
        if "delegated_to" in self.fields:
            self.fields["delegated_to"].queryset = (
                get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name")
            )
        if kind == ActivityKind.TASK:
            self.fields["start"].label = _("Fällig am")
        if kind == ActivityKind.APPOINTMENT:
            self.fields["start"].required = True
            self.fields["start"].widget.attrs["data-lc-appointment-start"] = "1"
            self.fields["end"].widget.attrs["data-lc-appointment-end"] = "1"
            self.fields["end"].widget.attrs["data-lc-minutes"] = settings.LEADCRM[
                "APPOINTMENT_MINUTES"
            ]
            self.fields["end"].help_text = _("Leer: Beginn plus %(minutes)s Minuten.") % {
                "minutes": settings.LEADCRM["APPOINTMENT_MINUTES"]
            }
        if kind == ActivityKind.EMAIL_OUT:
            self.fields["mail_to"].required = True
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", f"{css} form-control-sm")

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("Das Ende darf nicht vor dem Beginn liegen."))
        return data
