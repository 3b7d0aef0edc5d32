"""What the board views share: moving a card (who may, to which status), a safe `next`."""

from __future__ import annotations

from django import forms
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from contacts.models import LeadStatus
from leads.permissions import can_qualify_lead


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


def lead_card_movable(user, lead) -> bool:
    """May `user` move `lead`'s card (change its status)? The rule of the move endpoint,
    `can_qualify_lead`; the card of a lead the user may not move is shown locked (not
    draggable, no status menu), so the board never offers a move the server refuses."""
    return bool(user) and can_qualify_lead(user, lead)


def safe_next(request, value: str, fallback: str) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return fallback
