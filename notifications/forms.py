"""The filter of the notification list: unread only, one kind."""

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.kinds import Kind


class NotificationFilterForm(forms.Form):
    unread = forms.BooleanField(label=_("Nur ungelesene"), required=False)
    kind = forms.ChoiceField(
        label=_("Art"), choices=[("", _("Alle Arten")), *Kind.choices], required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unread"].widget.attrs["class"] = "form-check-input"
        self.fields["kind"].widget.attrs["class"] = "form-select form-select-sm"
