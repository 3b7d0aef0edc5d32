"""Bulk actions of the lead list: the form that validates them and the selection writes.

The lead writes themselves are `leads.bulk.actions` (a job with progress and summary);
the Selektion writes live here because selections are this app's: "Zur Selektion
hinzufügen" (a static lead selection of the user's) and "Als Selektion speichern".
"""

from __future__ import annotations

from django import forms
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from boards.models import Selection, SelectionKind, SelectionTarget
from boards.selections import STATIC_MAX, SelectionError
from contacts.models import LeadStatus, Phase
from leads.bulk.actions import ACTIONS
from leads.lookups import staff_users
from leads.lost_forms import REASON_REQUIRED, LostReasonForm
from leads.models import Campaign
from leads.models.lead import LOST_PHASES, is_lost_status

SELECTION_ACTIONS = {
    "add_to_selection": gettext_lazy("Zur Selektion hinzufügen"),
    "save_selection": gettext_lazy("Als Selektion speichern"),
    "export": gettext_lazy("Exportieren"),
}
ALL_ACTIONS = {**ACTIONS, **SELECTION_ACTIONS}


def own_lead_selections(user):
    return Selection.objects.filter(
        owner=user, target=SelectionTarget.LEAD, kind=SelectionKind.STATIC
    ).order_by("name", "id")


class LeadBulkForm(LostReasonForm):
    """One form for every bulk action; `clean` requires the value of the chosen one."""

    action = forms.ChoiceField(choices=list(ALL_ACTIONS.items()), widget=forms.HiddenInput)
    follow_up_by = forms.ModelChoiceField(
        label=gettext_lazy("Nachbetreuung durch"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("— niemand —"),
    )
    status = forms.ModelChoiceField(
        label=gettext_lazy("Status"), queryset=None, required=False, empty_label="—"
    )
    follow_up_until = forms.DateField(
        label=gettext_lazy("Nachbetreuung bis"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    campaign = forms.ModelChoiceField(
        label=gettext_lazy("Kampagne"),
        queryset=Campaign.objects.all(),
        required=False,
        empty_label=gettext_lazy("— keine —"),
    )
    selection = forms.ModelChoiceField(
        label=gettext_lazy("Selektion"), queryset=None, required=False, empty_label="—"
    )
    selection_name = forms.CharField(
        label=gettext_lazy("Name der Selektion"), max_length=120, required=False
    )
    shared = forms.BooleanField(label=gettext_lazy("Für alle sichtbar"), required=False)
    file_format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[("csv", "CSV"), ("xlsx", "XLSX")],
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, required=False, **kwargs)
        self.fields["follow_up_by"].queryset = staff_users()
        statuses = LeadStatus.objects.filter(active=True).exclude(phase=Phase.CONVERTED)
        self.fields["status"].queryset = statuses.order_by("rank", "name")
        self.fields["selection"].queryset = own_lead_selections(user)
        self.lost_status_ids = [s.pk for s in statuses if s.phase in LOST_PHASES]
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select"
            elif name not in ("lost_note",):
                widget.attrs["class"] = "form-control"

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action == "status":
            if not cleaned.get("status"):
                self.add_error("status", _("Bitte einen Status auswählen."))
            elif is_lost_status(cleaned["status"]) and not cleaned.get("lost_reason"):
                self.add_error("lost_reason", REASON_REQUIRED)
        elif action == "add_to_selection" and not cleaned.get("selection"):
            self.add_error("selection", _("Bitte eine Selektion auswählen."))
        elif action == "save_selection" and not (cleaned.get("selection_name") or "").strip():
            self.add_error("selection_name", _("Bitte einen Namen für die Selektion eingeben."))
        return cleaned

    def action_values(self) -> dict:
        """The values `leads.bulk.actions.lead_bulk_start` stores (ids, ISO dates)."""
        data = self.cleaned_data

        def pk(name):
            return data[name].pk if data.get(name) else None

        day = data.get("follow_up_until")
        return {
            "follow_up_by": pk("follow_up_by"),
            "status": pk("status"),
            "lost_reason": pk("lost_reason"),
            "lost_note": data.get("lost_note") or "",
            "follow_up_until": day.isoformat() if day else None,
            "campaign": pk("campaign"),
        }


def _member_ids(leads) -> list[int]:
    ids = list(leads.order_by("pk").values_list("pk", flat=True)[: STATIC_MAX + 1])
    if len(ids) > STATIC_MAX:
        raise SelectionError(
            _("Eine statische Selektion kann höchstens %d Mitglieder haben.") % STATIC_MAX
        )
    return ids


@transaction.atomic
def selection_add_leads(*, selection: Selection, leads, user) -> int:
    """Add `leads` to the user's own static lead selection; returns how many were new."""
    if selection.owner_id != user.pk or selection.target != SelectionTarget.LEAD:
        raise SelectionError(_("Nur der Besitzer kann diese Selektion ändern oder löschen."))
    existing = set(selection.leads.values_list("pk", flat=True))
    new = [pk for pk in _member_ids(leads) if pk not in existing]
    if len(existing) + len(new) > STATIC_MAX:
        raise SelectionError(
            _("Eine statische Selektion kann höchstens %d Mitglieder haben.") % STATIC_MAX
        )
    selection.leads.add(*new)
    return len(new)


@transaction.atomic
def selection_create_from_leads(*, user, name: str, leads, shared: bool) -> Selection:
    """ "Als Selektion speichern": a static lead selection of the chosen leads."""
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise SelectionError(_("Bitte einen Namen (höchstens 120 Zeichen) eingeben."))
    if Selection.objects.filter(owner=user, name=name).exists():
        raise SelectionError(_("Sie haben schon eine Selektion mit dem Namen „%s“.") % name)
    ids = _member_ids(leads)
    selection = Selection.objects.create(
        name=name,
        owner=user,
        target=SelectionTarget.LEAD,
        kind=SelectionKind.STATIC,
        shared=bool(shared),
    )
    selection.leads.add(*ids)
    return selection
