"""What the board views share: moving a card, the choice of statuses, a safe `next`."""

from __future__ import annotations

from django import forms
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from contacts.models import LeadStatus


class CardMoveForm(forms.Form):
    """A card move: the target status, the version the card showed and where it was."""

    status = forms.ModelChoiceField(
        label=_("Status"),
        queryset=LeadStatus.objects.active(),
        error_messages={"invalid_choice": _("Dieser Status ist nicht verfügbar.")},
    )
    # Required: a move without the version the card showed could overwrite a newer state.
    version = forms.IntegerField(min_value=1)
    from_status = forms.IntegerField(required=False)
    next = forms.CharField(required=False, max_length=2000)


def safe_next(request, value: str, fallback: str) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return fallback
