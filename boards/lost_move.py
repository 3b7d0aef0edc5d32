"""A card moved into a Disqualifiziert or Geschlossen column asks why (issue #17).

The move endpoint (`boards.views.board.lead_move`) calls `lost_move_step` before it moves:
a move into a lost status without the reason's field answers with a small form in place
of the card (htmx) or as a page of its own (no JavaScript); the form posts the same move
again with `lost_reason` and `lost_note`. Submitted without a valid reason, or cancelled,
the move is refused and the card goes back to its column. The rule itself is the
lifecycle's (`leads.services.lifecycle.settle_lost_reason`), which the move applies again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from leads.lost_forms import LostReasonForm
from leads.models import Lead
from leads.models.lead import is_lost_status

ASK_TEMPLATE = "boards/lost_move.html"


@dataclass
class LostMoveStep:
    response: HttpResponse | None = None  # the dialog to show instead of moving
    proceed: bool = True  # False: refused or cancelled, the card goes back
    arguments: dict = field(default_factory=dict)  # for lead_set_status


def lost_move_step(
    request: HttpRequest, *, lead: Lead, status, move: dict, next_url: str
) -> LostMoveStep:
    if not is_lost_status(status) or status.pk == lead.status_id:
        return LostMoveStep()
    if request.POST.get("cancel"):
        messages.info(
            request,
            _("Lead %(number)s wurde nicht verschoben.") % {"number": lead.number},
        )
        return LostMoveStep(proceed=False)
    if "lost_reason" not in request.POST:
        form = LostReasonForm(initial=_initial(lead))
        return LostMoveStep(response=_ask(request, lead, status, move, next_url, form))
    # only active reasons: entering a lost status with a deactivated one is refused anyway
    form = LostReasonForm(request.POST)
    if not form.is_valid():
        problems = " ".join(e for errors in form.errors.values() for e in errors)
        messages.error(
            request,
            _("Lead %(number)s wurde nicht verschoben: %(problem)s")
            % {"number": lead.number, "problem": problems},
        )
        return LostMoveStep(proceed=False)
    return LostMoveStep(
        arguments={
            "lost_reason": form.cleaned_data["lost_reason"],
            "lost_note": form.cleaned_data["lost_note"],
        }
    )


def _initial(lead: Lead) -> dict:
    # moving on from one lost status to the other: offer what the lead was lost for
    if lead.lost_reason_id and lead.lost_reason.active:
        return {"lost_reason": lead.lost_reason_id, "lost_note": lead.lost_note}
    return {}


def _ask(request, lead: Lead, status, move: dict, next_url: str, form) -> HttpResponse:
    context = {
        "lead": lead,
        "status": status,
        "form": form,
        "version": move.get("version") or lead.version,
        "from_status": move.get("from_status") or lead.status_id,
        "next_url": next_url,
    }
    template = f"{ASK_TEMPLATE}#dialog" if request.htmx else ASK_TEMPLATE
    return render(request, template, context)
