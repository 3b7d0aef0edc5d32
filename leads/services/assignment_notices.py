"""Who hears of a lead's distribution: the new owner ("Neuer Lead zugewiesen") and, for a
lead no rule could place, the Vertriebsleitung (issue #15). One function per notice,
used by the single assignment (`distribution.lead_assign_owner`), the bulk import
(`notify_new_owners`) and the demo's hand-overs, so each event is one notification with
one kind, parameters and dedupe key (`notifications.kinds`) whoever sends it.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.models import Role
from leads.bulk import copy as bulk_copy
from leads.models import Lead
from notifications.kinds import dedupe_key
from notifications.models import Kind
from notifications.services import NotificationItem, notification_rows, notify, notify_many


def _lead_params(lead: Lead) -> dict:
    return {"name": lead.company_name or lead.contact_name or lead.number, "number": lead.number}


def notify_lead_assigned(*, lead: Lead, user, why: dict, actor=None):
    """The "Neuer Lead zugewiesen" notification to the new owner (not when they took it
    themselves): the one notification of a hand-over, by the rules, an import or a manager."""
    if actor is not None and getattr(actor, "pk", None) == user.pk:
        return None
    item = _assigned_item(lead, user, why)
    return notify(
        recipient=item.recipient,
        kind=item.kind,
        params=item.params,
        entity=item.entity,
        url=item.url,
        dedupe_key=item.dedupe_key,
    )


def _assigned_item(lead: Lead, user, why: dict) -> NotificationItem:
    return NotificationItem(
        recipient=user,
        kind=Kind.LEAD_ASSIGNED,
        params={**_lead_params(lead), **why},
        entity=lead,
        url=lead.get_absolute_url(),
        dedupe_key=dedupe_key(Kind.LEAD_ASSIGNED, lead=lead.pk, user=user.pk),
    )


def _managers():
    return get_user_model().objects.active().with_role(Role.SALES_MANAGER).order_by("pk")


def notify_lead_unassigned(*, lead: Lead) -> int:
    """A lead no rule could give anybody: the Vertriebsleitung hears of it, once."""
    return notify_many(
        NotificationItem(
            recipient=manager,
            kind=Kind.LEAD_UNASSIGNED,
            params=_lead_params(lead),
            entity=lead,
            url=lead.get_absolute_url(),
            dedupe_key=dedupe_key(Kind.LEAD_UNASSIGNED, lead=lead.pk),
        )
        for manager in _managers()
    )


def notify_leads_unassigned(leads: list[Lead]) -> int:
    """The bulk twin for an import batch: one notification per manager with the count
    (not one per lead: an import of thousands would flood the bell)."""
    if not leads:
        return 0
    if len(leads) == 1:
        return notify_lead_unassigned(lead=leads[0])
    url = reverse("leads:list") + "?follow_up_by=nobody"
    first = min(lead.pk for lead in leads)
    return notify_many(
        NotificationItem(
            recipient=manager,
            kind=Kind.LEADS_UNASSIGNED,
            params={"count": len(leads)},
            url=url,
            dedupe_key=dedupe_key(Kind.LEADS_UNASSIGNED, first=first, count=len(leads)),
        )
        for manager in _managers()
    )


def notify_new_owners(pairs: list[tuple[Lead, object]], actor, *, unassigned=()) -> int:
    """The notifications of `lead_assign_owner` for a batch of saved leads, in one
    statement: "Neuer Lead zugewiesen" (same kind, parameters and dedupe keys, so a
    repeated batch notifies nobody twice), and for the leads no rule could give anybody
    one count per manager (`notify_leads_unassigned`)."""
    actor_pk = getattr(actor, "pk", None)
    items = [
        _assigned_item(lead, result.user, result.why)
        for lead, result in pairs
        if actor_pk is None or actor_pk != result.user.pk
    ]
    notify_leads_unassigned(list(unassigned))
    if not bulk_copy.available() or not items:
        return notify_many(items)
    # new leads: their dedupe keys cannot exist yet, so COPY (no conflict handling) is safe;
    # a conflict would refuse the whole batch, which the import then retries row by row
    rows = notification_rows(items)
    bulk_copy.copy_models(rows)
    return len(rows)
