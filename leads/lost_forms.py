"""The Verlustgrund inputs of the lead screens: the mask's two fields and the board's
move dialog (issue #17).

They validate only; the rule itself (a lost status needs an active reason, leaving a lost
phase drops it) is `leads.services.lifecycle.settle_lost_reason`, which every service
applies again. The field names are `lost_reason` and `lost_note` everywhere (mask, board,
the list's bulk status action, API), so one error key reaches the right input.
"""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from leads.models import LostReason
from leads.models.lead import LOST_PHASES, is_lost_status

REASON_REQUIRED = _("Bitte einen Verlustgrund angeben.")
REASON_INVALID = _("Bitte einen gültigen Verlustgrund auswählen.")
NOTE_ROWS = 2


def reason_queryset(keep_id: int | None = None):
    """The reasons a user may pick: the active ones, plus the one the lead has already."""
    condition = Q(active=True)
    if keep_id is not None:
        condition |= Q(pk=keep_id)
    return LostReason.objects.filter(condition)


def lost_status_ids(lists) -> list[int]:
    """The ids of the lost statuses, from the mask's choice lists (no query)."""
    return [c.pk for c in lists["status"] if c.extra in LOST_PHASES]


def setup_mask_fields(form, lists) -> None:
    """The mask's `lost_reason`/`lost_note` (catalogue mask fields): the active reasons
    plus the lead's own as choices (read with the other lists, no query of their own), a
    short note box, and the lost statuses for static/js/lost_reason.js."""
    lead = form.instance
    keep = lead.lost_reason_id
    field = form.fields["lost_reason"]
    field.queryset = reason_queryset(keep)
    field.error_messages["invalid_choice"] = REASON_INVALID
    field.widget.choices = [("", "—")] + lists.options("lost_reason", active_only=True, keep=keep)
    field.help_text = _("Pflicht bei „Disqualifiziert“ und „Geschlossen“.")
    form.fields["lost_note"].widget = forms.Textarea(
        attrs={"rows": NOTE_ROWS, "maxlength": form.fields["lost_note"].max_length}
    )
    form.lost_status_ids = lost_status_ids(lists)


def clean_mask_fields(form, cleaned: dict) -> None:
    """A lost status chosen on the mask needs a reason (the service says so too; here the
    error sits on the field at once)."""
    if form.fields["lost_reason"].disabled or "lost_reason" in form.errors:
        return
    status = cleaned.get("status") or (form.instance.status if form.instance.status_id else None)
    if is_lost_status(status) and not cleaned.get("lost_reason"):
        form.add_error("lost_reason", REASON_REQUIRED)


class LostReasonForm(forms.Form):
    """The reason (and note) for a move into a lost status (the board's dialog).
    `required`: the chosen status is a lost one."""

    lost_reason = forms.ModelChoiceField(
        label=_("Verlustgrund"),
        queryset=LostReason.objects.active(),
        required=False,
        empty_label="—",
        error_messages={"invalid_choice": REASON_INVALID},
    )
    lost_note = forms.CharField(
        label=_("Notiz zum Verlust"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": NOTE_ROWS}),
    )

    def __init__(self, *args, required: bool = True, keep_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.required = required
        self.fields["lost_reason"].queryset = reason_queryset(keep_id).order_by("rank", "name")
        for name, field in self.fields.items():
            css = "form-select" if name == "lost_reason" else "form-control"
            field.widget.attrs.setdefault("class", f"{css} form-control-sm")

    def clean(self):
        cleaned = super().clean()
        if self.required and not cleaned.get("lost_reason") and "lost_reason" not in self.errors:
            self.add_error("lost_reason", REASON_REQUIRED)
        return cleaned
