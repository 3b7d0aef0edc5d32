"""`{% sla_badge lead %}`: the lead's response-SLA state on the mask header."""

from django import template
from django.utils import timezone

from leads.response_sla import SlaState, state_of

register = template.Library()

_VARIANTS = {
    SlaState.OPEN: "warning",
    SlaState.BREACHED: "danger",
    SlaState.KEPT: "success",
}


@register.inclusion_tag("leads/_sla_badge.html")
def sla_badge(lead):
    state = state_of(lead, timezone.now()) if lead is not None else None
    return {
        "lead": lead,
        "state": state,
        "label": SlaState(state).label if state else "",
        "variant": _VARIANTS.get(state, ""),
    }
