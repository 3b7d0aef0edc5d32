"""Bulk creation of leads for the import: the same rules as `lead_create`, in batches."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import events
from contacts.models import TERMINAL_PHASES, LeadStatus, Phase
from leads.bulk import copy as bulk_copy
from leads.errors import LeadError
from leads.models import Interest, Lead, LeadRating, LeadStatusChange
from leads.services import scoring
from leads.services.assignment_notices import notify_new_owners
from leads.services.distribution import plan_owners
from leads.services.history import VERSION_TAG
from leads.services.lead import assign_fields, check_identity, check_planned
from leads.services.lifecycle import (
    acting_user,
    as_status,
    check_status_change,
    settle_lost_reason,
)
from leads.services.numbering import reserve_lead_numbers

# --- bulk creation (import) -----------------------------------------------------------


@dataclass
class PreparedLead:
    """An unsaved lead of `leads_bulk_prepare` with its interests and checked ratings."""

    lead: Lead
    interest_ids: set[int]
    ratings: dict[int, int]


def leads_bulk_prepare(
    *,
    rows: Sequence[Mapping[str, Any]],
    user,
    interests: Sequence[Iterable[Interest | int]] | None = None,
    ratings: Sequence[Mapping[int, Any] | None] | None = None,
    default_status: LeadStatus | None = None,
    criteria: list | None = None,
) -> list[PreparedLead]:
    """The unsaved leads `leads_bulk_create` writes: data checked like `lead_create` does
    (unknown fields, status, planned times: LeadError), status, version, created by, score.

    Reads the database only for what is not given: with `default_status`, `criteria`
    (`scoring.active_criteria()`) and statuses in `rows` given as LeadStatus objects it is
    pure Python, so the import prepares the next batch in a worker thread while the
    current one is written."""
    interests = interests or [()] * len(rows)
    ratings = ratings or [None] * len(rows)
    actor = acting_user(user)
    statuses: dict[Any, LeadStatus | None] = {}
    checked: set[int] = set()
    now = timezone.now()
    if criteria is None:
        criteria = scoring.active_criteria()
    scores: dict[Any, tuple[int, list]] = {}  # by source, for leads without ratings
    new_lead = _lead_maker()
    prepared: list[PreparedLead] = []
    for data, lead_interests, lead_ratings in zip(rows, interests, ratings, strict=True):
        if "business_card" in data:
            raise ValueError("leads_bulk_create: business cards need lead_create")
        lead = new_lead()
        assign_fields(lead, data)
        status = data.get("status")
        if status is not None:
            key = status.pk if isinstance(status, LeadStatus) else status
            if key not in statuses:
                statuses[key] = as_status(status)
            status = statuses[key]
        if status is None:
            default_status = default_status or LeadStatus.objects.default()
            status = default_status
        if status.pk not in checked:
            if status.phase == Phase.CONVERTED:
                raise LeadError(
                    _(
                        "Konvertiert nur über die Konvertierung: Ein neuer Lead kann nicht "
                        "konvertiert sein."
                    ),
                    field="status",
                )
            check_status_change(status)  # the lifecycle checks, once a status
            checked.add(status.pk)
        # what apply_status sets on a new lead (the times again when it is written)
        lead.status = status
        lead.status_changed_at = now
        lead.closed_at = now if status.phase in TERMINAL_PHASES else None
        settle_lost_reason(lead)  # per lead: a lost status needs the row's Verlustgrund
        check_planned(lead)
        check_identity(lead)
        if lead.planned_start and lead.planned_end and lead.appointment_with_id:
            raise ValueError("leads_bulk_create: leads with an appointment need lead_create")
        lead.created_by = lead.updated_by = actor
        lead.version = 1
        wanted = scoring.clean_ratings(lead_ratings, criteria) if lead_ratings else {}
        if wanted:
            lead.score, lead.score_breakdown = scoring.compute_score(
                source_id=lead.source_id, ratings=wanted, criteria=criteria
            )
        else:
            if lead.source_id not in scores:
                scores[lead.source_id] = scoring.compute_score(
                    source_id=lead.source_id, ratings={}, criteria=criteria
                )
            # leads of one source share the breakdown list (COPY encodes it once)
            lead.score, lead.score_breakdown = scores[lead.source_id]
        ids = {i.pk if isinstance(i, Interest) else int(i) for i in lead_interests}
        prepared.append(PreparedLead(lead, ids, wanted))
    return prepared


@transaction.atomic
def leads_bulk_create(
    *,
    rows: Sequence[Mapping[str, Any]] = (),
    user,
    interests: Sequence[Iterable[Interest | int]] | None = None,
    ratings: Sequence[Mapping[int, Any] | None] | None = None,
    prepared: Sequence[PreparedLead] | None = None,
) -> list[Lead]:
    """`lead_create` for many leads in a few statements; returns the saved leads in order.

    Each lead gets what `lead_create` gives it – a number (one consecutive block, reserved
    race-free), the default or given status with its status change, version 1, created
    by, score (ratings and source), interests, the owner by the assignment rules (members
    locked, counted in memory, one write), the "Neuer Lead zugewiesen" notification and the
    same history rows ("+" with reason "v=1", "~" for the interests, "~" for the
    assignment with the rule's reason). Data is checked like `lead_create` does (unknown
    fields, status, planned times: LeadError for the whole call); the database refuses bad
    values for the whole call too, so callers that must isolate bad rows validate first
    and fall back to `lead_create` row by row. Not supported here (use `lead_create`):
    business cards, contacts and leads that need an appointment activity. Leads of the
    same source without ratings share one `score_breakdown` list object.

    `prepared` (from `leads_bulk_prepare`, unsaved) replaces rows/interests/ratings.
    """
    from django.conf import settings

    if prepared is None:
        prepared = leads_bulk_prepare(rows=rows, user=user, interests=interests, ratings=ratings)
    if not prepared:
        return []
    actor = acting_user(user)
    actor_id = actor.pk if actor is not None else None
    now = timezone.now()
    leads = [p.lead for p in prepared]
    interest_ids = [p.interest_ids for p in prepared]
    wanted_ratings = [p.ratings for p in prepared]
    for lead in leads:
        lead.status_changed_at = now
        if lead.closed_at is not None:
            lead.closed_at = now

    # numbers first, then the members' rows: the lock order of lead_create
    for lead, number in zip(leads, reserve_lead_numbers(len(leads)), strict=True):
        lead.number = number
    owners = plan_owners(leads, interest_ids)
    for lead, result in zip(leads, owners, strict=True):
        if result is not None:
            lead.follow_up_by = result.user
    fast = bulk_copy.available()
    history = getattr(settings, "SIMPLE_HISTORY_ENABLED", True)
    plan = _history_plan(leads, owners, interest_ids) if history else []
    history_ids = None
    if fast:
        # every id of the batch in one query: leads, status changes, history rows
        lead_ids, change_ids, history_ids = bulk_copy.reserve_ids_many(
            [(Lead, len(leads)), (LeadStatusChange, len(leads)), (Lead.history.model, len(plan))]
        )
        for lead, pk in zip(leads, lead_ids, strict=True):
            lead.pk = pk
    lead_rows = bulk_copy.copy_models(leads) if fast else Lead.objects.bulk_create(leads)

    change_fields = list(LeadStatusChange._meta.concrete_fields)
    if fast:
        ids = change_ids
        values = {"from_status_id": None, "changed_at": now, "changed_by_id": actor_id}
        rows = []
        for lead, pk in zip(leads, ids, strict=True):
            values.update(id=pk, lead_id=lead.pk, to_status_id=lead.status_id)
            rows.append([values[f.attname] for f in change_fields])
        bulk_copy.copy_rows(
            LeadStatusChange._meta.db_table, [f.column for f in change_fields], rows
        )
    else:
        LeadStatusChange.objects.bulk_create(
            LeadStatusChange(
                lead=lead, to_status_id=lead.status_id, changed_at=now, changed_by_id=actor_id
            )
            for lead in leads
        )
    LeadRating.objects.bulk_create(
        LeadRating(lead=lead, criterion_id=criterion_id, option_id=option_id)
        for lead, wanted in zip(leads, wanted_ratings, strict=True)
        for criterion_id, option_id in wanted.items()
    )
    Through = Lead.interests.through
    links = Through.objects.bulk_create(
        Through(lead_id=lead.pk, interest_id=interest_id)
        for lead, ids in zip(leads, interest_ids, strict=True)
        for interest_id in sorted(ids)
    )
    if history:
        _bulk_history(leads, lead_rows if fast else None, plan, history_ids, links, actor)
    notify_new_owners(
        [(lead, r) for lead, r in zip(leads, owners, strict=True) if r is not None],
        actor,
        unassigned=[lead for lead in leads if lead.follow_up_by_id is None],
    )
    # the events of lead_create, set-based (webhooks: one outbox insert for the batch)
    events.publish_many("lead.created", leads)
    events.publish_many("lead.assigned", [lead for lead in leads if lead.follow_up_by_id])
    return leads


def _lead_maker():
    """`Lead()` for many leads: the attribute values of one `Lead()` copied into each new
    instance (what __init__ would set, without its 55 descriptor calls per lead); callable
    defaults are still called per lead. Plain `Lead()` when init signals are connected."""
    from django.db.models import signals
    from django.db.models.base import ModelState

    if signals.pre_init.has_listeners(Lead) or signals.post_init.has_listeners(Lead):
        return Lead
    fields = Lead._meta.concrete_fields
    template = {k: v for k, v in Lead().__dict__.items() if k != "_state"}
    fresh = [f for f in fields if f.has_default() and callable(f.default)]

    def make() -> Lead:
        lead = Lead.__new__(Lead)
        lead.__dict__.update(template)
        lead._state = ModelState()
        for model_field in fresh:
            lead.__dict__[model_field.attname] = model_field.get_default()
        return lead

    return make


def _history_plan(leads: list[Lead], owners: list, interest_ids: list[set[int]]) -> list:
    """The history rows `lead_create` writes, in insert order: "+" (v=1), "~" after setting
    interests (v=1, with the interests), "~" after the assignment (the rule's reason) – as
    (index of the lead, type, date, reason, owner at that moment)."""
    import datetime as dt

    now = timezone.now()
    tick = dt.timedelta(microseconds=1)
    reason = f"{VERSION_TAG}1"
    plan: list[tuple[int, str, Any, str, Any]] = []
    later: list[tuple[int, str, Any, str, Any]] = []
    for i, (lead, result) in enumerate(zip(leads, owners, strict=True)):
        owner_before = None if result is not None else lead.follow_up_by_id
        plan.append((i, "+", now, reason, owner_before))
        if interest_ids[i]:
            later.append((i, "~", now + tick, reason, owner_before))
    for i, result in enumerate(owners):
        if result is not None:
            later.append((i, "~", now + 2 * tick, result.reason[:100], leads[i].follow_up_by_id))
    # "+" rows first, then the interest rows, then the assignments: ids follow the order
    later.sort(key=lambda entry: entry[2])
    return plan + later


def _bulk_history(
    leads: list[Lead],
    lead_rows: list[list] | None,
    plan: list,
    history_ids: list[int] | None,
    links: list,
    actor,
) -> None:
    """Write the `_history_plan` rows and their interests' snapshot rows.

    With `lead_rows` (the values `bulk_copy.copy_models` wrote for the leads) the rows go
    in by COPY from those values with the reserved `history_ids`; otherwise as
    HistoricalLead instances by bulk_create."""

    History = Lead.history.model
    M2MHistory = History.interests.model
    links_of: dict[int, list] = {}
    for link in links:
        links_of.setdefault(link.lead_id, []).append(link)
    actor_id = actor.pk if actor is not None else None
    if lead_rows is not None:
        ids = history_ids if history_ids is not None else bulk_copy.reserve_ids(History, len(plan))
        lead_columns = {f.attname: n for n, f in enumerate(Lead._meta.concrete_fields)}
        fields = list(History._meta.concrete_fields)
        own = ("history_id", "history_date", "history_change_reason", "history_type")
        own += ("history_user_id", "follow_up_by_id")
        # each history column: the lead row's value at that position, or one of `own`
        take = [lead_columns.get(f.attname, 0) for f in fields]
        put = [(own.index(f.attname), n) for n, f in enumerate(fields) if f.attname in own]
        missing = {f.attname for f in fields} - set(lead_columns) - set(own)
        if missing:
            raise ValueError(f"history columns without a value: {sorted(missing)}")
        history_ids = ids

        def produce():
            for history_id, (i, kind, when, why, owner_id) in zip(ids, plan, strict=True):
                row = [lead_rows[i][n] for n in take]
                values = (history_id, when, why, kind, actor_id, owner_id)
                for k, n in put:
                    row[n] = values[k]
                yield row

        rows = produce()
        bulk_copy.copy_rows(History._meta.db_table, [f.column for f in fields], rows)
    else:
        records = []
        tracked = [f.attname for f in History.tracked_fields]
        for i, kind, when, why, owner_id in plan:
            attrs = {name: getattr(leads[i], name) for name in tracked}
            attrs["follow_up_by_id"] = owner_id
            records.append(
                History(
                    history_date=when,
                    history_type=kind,
                    history_user_id=actor_id,
                    history_change_reason=why,
                    **attrs,
                )
            )
        History.objects.bulk_create(records)
        history_ids = [record.pk for record in records]
    M2MHistory.objects.bulk_create(
        M2MHistory(
            history_id=history_id, id=link.pk, lead_id=link.lead_id, interest_id=link.interest_id
        )
        for history_id, (i, kind, _when, _why, _owner) in zip(history_ids, plan, strict=True)
        if kind == "~"
        for link in links_of.get(leads[i].pk, ())
    )
