"""The response-SLA state of a lead (offen / verletzt / eingehalten), from its own columns.

`first_response_at`, `response_due_at` (and `closed_at`) are kept by the sla app's beat
job; the state is derived from them here, below every screen that shows it: the lead
list's filter, the badge on the mask and the dashboard tiles (sla.selectors) use
`state_q`, the badge uses `state_of`; tests/sla/test_state_rule.py proves they agree.

- no due time (no policy matched): no state;
- eingehalten: the first response came by the due time, or the lead was closed by then
  without one (nothing left to answer);
- verletzt: the first response came late, or none came and the due time passed while the
  lead was still open;
- offen: no response yet, still open, due time ahead.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class SlaState(models.TextChoices):
    OPEN = "offen", _("offen")
    BREACHED = "verletzt", _("verletzt")
    KEPT = "eingehalten", _("eingehalten")


def state_q(state: str, now: dt.datetime) -> Q:
    """SQL twin of `state_of`: the leads in `state` at `now`."""
    due = F("response_due_at")
    if state == SlaState.OPEN:
        return Q(first_response_at__isnull=True, closed_at__isnull=True, response_due_at__gt=now)
    if state == SlaState.BREACHED:
        return Q(response_due_at__isnull=False) & (
            Q(first_response_at__gt=due)
            | Q(first_response_at__isnull=True, closed_at__isnull=True, response_due_at__lte=now)
            | Q(first_response_at__isnull=True, closed_at__gt=due)
        )
    if state == SlaState.KEPT:
        return Q(first_response_at__lte=due) | Q(first_response_at__isnull=True, closed_at__lte=due)
    raise ValueError(f"unknown SLA state {state!r}")


def state_of(lead, now: dt.datetime) -> str | None:
    """The SLA state of `lead` at `now`, or None without a due time."""
    due, first, closed = lead.response_due_at, lead.first_response_at, lead.closed_at
    if due is None:
        return None
    if first is not None:
        return SlaState.KEPT if first <= due else SlaState.BREACHED
    if closed is not None:
        return SlaState.KEPT if closed <= due else SlaState.BREACHED
    return SlaState.OPEN if due > now else SlaState.BREACHED
