"""Writes on leads: create, update (optimistic locking), status lifecycle, ratings.

Every function runs in one transaction, bumps `Lead.version`, records history
(django-simple-history, tagged with the version in `history_change_reason` so a
conflict can tell which changes the other user made) and returns the saved lead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contacts.models import TERMINAL_PHASES, LeadStatus, Person, Phase
from leads import scoring
from leads.errors import ConflictError, LeadError
from leads.models import Interest, Lead, LeadContact, LeadStatusChange

# Fields of the lead mask, in mask order (the form uses the same list).
MASK_FIELDS = (
    "company_name",
    "salutation",
    "first_name",
    "last_name",
    "status",
    "source",
    "type",
    "campaign",
    "appointment_with",
    "follow_up_by",
    "follow_up_until",
    "planned_start",
    "planned_end",
    "function",
    "street",
    "postal_code",
    "city",
    "country",
    "phone",
    "email",
    "website",
    "send_info_material",
    "request_opt_in",
    "arrange_appointment",
    "next_appointment",
    "notes",
    "customer",
)
# Fields a caller may set through `data`; everything else is owned by the services.
EDITABLE_FIELDS = frozenset(MASK_FIELDS) | {
    "capture_channel",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "landing_page",
    "referrer",
}
VERSION_TAG = "v="
UNSET = object()


@dataclass
class LeadSaveResult:
    lead: Lead
    warnings: list[str] = field(default_factory=list)


# --- helpers -------------------------------------------------------------------------


def _tag(lead: Lead, user) -> None:
    lead._change_reason = f"{VERSION_TAG}{lead.version}"
    if user is not None and getattr(user, "is_authenticated", False):
        lead._history_user = user


def _version_of(record) -> int | None:
    reason = record.history_change_reason or ""
    if reason.startswith(VERSION_TAG):
        try:
            return int(reason[len(VERSION_TAG) :])
        except ValueError:
            return None
    return None


def _display(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    if isinstance(value, list):  # m2m snapshot
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


def history_changes(new_record, old_record) -> list[tuple[str, str, str]]:
    """(verbose name, old, new) between two historical records of a lead."""
    if old_record is None:
        return []
    delta = new_record.diff_against(old_record)
    changes = []
    for change in delta.changes:
        try:
            model_field = Lead._meta.get_field(change.field)
        except LookupError:
            continue
        old, new = change.old, change.new
        if model_field.many_to_many:
            ids_old = {row[model_field.m2m_reverse_field_name()] for row in old or []}
            ids_new = {row[model_field.m2m_reverse_field_name()] for row in new or []}
            names = dict(
                model_field.related_model.objects.filter(pk__in=ids_old | ids_new).values_list(
                    "pk", "name"
                )
            )
            old = sorted(names.get(i, str(i)) for i in ids_old)
            new = sorted(names.get(i, str(i)) for i in ids_new)
        elif model_field.is_relation:
            rel = model_field.related_model
            objs = rel._default_manager.in_bulk([v for v in (old, new) if v is not None])
            old, new = objs.get(old, old), objs.get(new, new)
        elif model_field.choices:
            labels = dict(model_field.flatchoices)
            old, new = labels.get(old, old), labels.get(new, new)
        changes.append((str(model_field.verbose_name), _display(old), _display(new)))
    return changes


def _conflict(lead_pk: int, expected_version: int, current_version: int) -> ConflictError:
    """Describe what happened on the lead after `expected_version`."""
    records = list(
        Lead.history.filter(id=lead_pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:50]
    )
    if not records:
        return ConflictError(current_version=current_version)
    newer, base = [], None
    for record in records:
        version = _version_of(record)
        if version is not None and version <= expected_version:
            base = record
            break
        newer.append(record)
    if not newer:
        newer = records[:1]
    if base is None:
        idx = records.index(newer[-1])
        base = records[idx + 1] if idx + 1 < len(records) else None
    newest = newer[0]
    users = [r.history_user for r in newer if r.history_user is not None]
    return ConflictError(
        changed_by=users[0] if users else None,
        changed_at=newest.history_date,
        changes=history_changes(newest, base),
        current_version=current_version,
    )


def _as_status(value) -> LeadStatus | None:
    if value is None or isinstance(value, LeadStatus):
        return value
    return LeadStatus.objects.filter(pk=value).first()


def _apply_status(
    lead: Lead, old: LeadStatus | None, new: LeadStatus, user, *, via_conversion: bool = False
) -> None:
    """Lifecycle rules for a status change on the in-memory lead (saved by the caller)."""
    if old is not None and old.pk == new.pk:
        return
    if new.phase == Phase.CONVERTED and not via_conversion:
        raise LeadError(
            _(
                "Konvertiert nur über die Konvertierung: Bitte nutzen Sie die Aktion "
                "„Lead konvertieren“."
            ),
            field="status",
        )
    if not new.active and not via_conversion:
        raise LeadError(_("Dieser Status ist nicht mehr aktiv."), field="status")
    now = timezone.now()
    lead.status = new
    lead.status_changed_at = now
    was_terminal = old is not None and old.phase in TERMINAL_PHASES
    if new.phase in TERMINAL_PHASES:
        if not was_terminal or lead.closed_at is None:
            lead.closed_at = now
    else:
        lead.closed_at = None
    lead._pending_status_change = LeadStatusChange(
        from_status=old, to_status=new, changed_at=now, changed_by=_user_or_none(user)
    )


def _user_or_none(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _write_status_change(lead: Lead) -> None:
    change = getattr(lead, "_pending_status_change", None)
    if change is not None:
        change.lead = lead
        change.save()
        del lead._pending_status_change


def _set_contacts(lead: Lead, contacts: Iterable) -> None:
    """Link persons; the first one (or one given as (person, True)) is the main contact."""
    seen = set()
    main_set = False
    for item in contacts:
        person, is_main = item if isinstance(item, tuple) else (item, not main_set)
        if person is None:
            continue
        pk = person.pk if isinstance(person, Person) else int(person)
        if pk in seen:
            continue
        seen.add(pk)
        LeadContact.objects.create(lead=lead, person_id=pk, is_main=bool(is_main and not main_set))
        main_set = main_set or bool(is_main)


def lead_set_main_contact(*, lead: Lead, person: Person | None) -> None:
    """Make `person` the main Ansprechpartner (linking it if needed); None unsets the main."""
    current = LeadContact.objects.filter(lead=lead, is_main=True)
    if person is not None:
        current = current.exclude(person=person)
    current.update(is_main=False)
    if person is not None:
        link, created = LeadContact.objects.get_or_create(
            lead=lead, person=person, defaults={"is_main": True}
        )
        if not created and not link.is_main:
            link.is_main = True
            link.save(update_fields=["is_main"])


def _sync_appointment(lead: Lead, user) -> list[str]:
    try:
        from leads import appointments
    except ImportError:
        return []
    sync = getattr(appointments, "lead_sync_appointment", None)
    if sync is None:
        return []
    try:
        with transaction.atomic():
            return list(sync(lead=lead, user=user) or [])
    except LeadError as exc:
        return [exc.message]


def _assign_owner(lead: Lead, user) -> None:
    try:
        from leads import distribution
    except ImportError:
        return
    assign = getattr(distribution, "lead_assign_owner", None)
    if assign is not None:
        assign(lead=lead, actor=user)


def _check_planned(lead: Lead) -> None:
    if lead.planned_start and lead.planned_end and lead.planned_end < lead.planned_start:
        raise LeadError(_("„Termin bis“ muss nach „Termin von“ liegen."), field="planned_end")


def _assign(lead: Lead, data: Mapping[str, Any]) -> None:
    unknown = set(data) - EDITABLE_FIELDS - {"business_card"}
    if unknown:
        raise LeadError(_("Unbekannte Felder: %(f)s") % {"f": ", ".join(sorted(unknown))})
    for name, value in data.items():
        if name in ("status", "business_card"):
            continue
        if value is None:
            model_field = Lead._meta.get_field(name)
            if not model_field.null:
                value = model_field.get_default() if model_field.has_default() else ""
        setattr(lead, name, value)


def _apply_business_card(lead: Lead, data: Mapping[str, Any]) -> None:
    if "business_card" not in data:
        return
    from leads import uploads

    value = data["business_card"]
    if value is False:
        uploads.delete_business_card(lead)
    elif value:
        uploads.store_business_card(lead, value)


# --- services --------------------------------------------------------------------------


@transaction.atomic
def lead_create(
    *,
    data: Mapping[str, Any],
    user,
    interests: Iterable[Interest | int] = (),
    ratings: Mapping[int, Any] | None = None,
    contacts: Iterable = (),
) -> LeadSaveResult:
    """Create a lead with number, default status, score, history and status change."""
    from leads.numbering import next_lead_number

    lead = Lead()
    _assign(lead, data)
    status = _as_status(data.get("status")) or LeadStatus.objects.default()
    if status.phase == Phase.CONVERTED:
        raise LeadError(
            _(
                "Konvertiert nur über die Konvertierung: Ein neuer Lead kann nicht konvertiert sein."
            ),
            field="status",
        )
    _apply_status(lead, None, status, user)
    _check_planned(lead)
    lead.number = next_lead_number()
    lead.created_by = lead.updated_by = _user_or_none(user)
    lead.version = 1
    criteria = scoring.active_criteria()
    wanted = scoring.clean_ratings(ratings, criteria)
    lead.score, lead.score_breakdown = scoring.compute_score(
        source_id=lead.source_id, ratings=wanted, criteria=criteria
    )
    _apply_business_card(lead, data)
    _tag(lead, user)
    lead.save()
    _write_status_change(lead)
    scoring.store_ratings(lead, wanted, criteria)
    if interests:
        lead.interests.set(list(interests))
    _set_contacts(lead, contacts)
    if lead.follow_up_by_id is None:
        _assign_owner(lead, user)
    warnings = _sync_appointment(lead, user)
    return LeadSaveResult(lead=lead, warnings=warnings)


def _lock_lead(pk: int) -> Lead:
    """Lock the lead row alone, then load its status.

    No join in the FOR UPDATE: on PostgreSQL a locking query joined to the status re-checks
    the join against the old status row once a concurrent status change commits, finds no
    row and raises DoesNotExist instead of letting the version check answer ConflictError.
    """
    locked = Lead.objects.select_for_update().get(pk=pk)
    if locked.status_id is not None:
        locked.status = LeadStatus.objects.get(pk=locked.status_id)
    return locked


@transaction.atomic
def lead_update(
    *,
    lead: Lead,
    data: Mapping[str, Any],
    user,
    expected_version: int,
    interests: Iterable[Interest | int] | None = None,
    ratings: Mapping[int, Any] | None = None,
    main_contact: Person | None | object = UNSET,
) -> LeadSaveResult:
    """Save the mask; refuses with ConflictError when the lead moved past expected_version.

    `interests`/`ratings` None and `main_contact` UNSET leave those unchanged.
    """
    locked = _lock_lead(lead.pk)
    if locked.version != int(expected_version):
        raise _conflict(locked.pk, int(expected_version), locked.version)
    old_status = locked.status
    _assign(locked, data)
    if "status" in data and data["status"] is not None:
        new_status = _as_status(data["status"])
        if new_status is None:
            raise LeadError(_("Unbekannter Status."), field="status")
        _apply_status(locked, old_status, new_status, user)
    _check_planned(locked)
    criteria = scoring.active_criteria()
    if ratings is not None:
        wanted = scoring.clean_ratings(ratings, criteria)
        scoring.store_ratings(locked, wanted, criteria)
    else:
        wanted = scoring.lead_ratings(locked)
    # always recompute: the source (a criterion) or the weights may have changed
    locked.score, locked.score_breakdown = scoring.compute_score(
        source_id=locked.source_id, ratings=wanted, criteria=criteria
    )
    _apply_business_card(locked, data)
    locked.version = locked.version + 1
    locked.updated_by = _user_or_none(user)
    _tag(locked, user)
    locked.save()
    _write_status_change(locked)
    if interests is not None:
        new_ids = {i.pk if isinstance(i, Interest) else int(i) for i in interests}
        if new_ids != set(locked.interests.values_list("pk", flat=True)):
            locked.interests.set(list(new_ids))
    if main_contact is not UNSET:
        lead_set_main_contact(lead=locked, person=main_contact)
    warnings = _sync_appointment(locked, user)
    return LeadSaveResult(lead=locked, warnings=warnings)


@transaction.atomic
def lead_set_status(
    *,
    lead: Lead,
    status: LeadStatus | int,
    user,
    expected_version: int | None,
    via_conversion: bool = False,
) -> Lead:
    """Move the lead to `status` (kanban card move, mask). `expected_version=None` skips the
    version check (system jobs). Konvertiert is only reachable with `via_conversion=True`
    (used by the conversion service)."""
    locked = _lock_lead(lead.pk)
    if expected_version is not None and locked.version != int(expected_version):
        raise _conflict(locked.pk, int(expected_version), locked.version)
    new_status = _as_status(status)
    if new_status is None:
        raise LeadError(_("Unbekannter Status."), field="status")
    if new_status.pk == locked.status_id:
        return locked
    _apply_status(locked, locked.status, new_status, user, via_conversion=via_conversion)
    locked.version += 1
    locked.updated_by = _user_or_none(user)
    _tag(locked, user)
    locked.save()
    _write_status_change(locked)
    return locked


def lead_set_ratings(
    *, lead: Lead, ratings: Mapping[int, Any], user, expected_version: int
) -> LeadSaveResult:
    """Change only the ratings (section-wise editing); a full update with the same data."""
    return lead_update(
        lead=lead, data={}, user=user, expected_version=expected_version, ratings=ratings
    )


@transaction.atomic
def lead_delete(*, lead: Lead, user) -> None:
    from leads.permissions import can_delete_lead

    if not can_delete_lead(user, lead):
        raise LeadError(_("Nur die Vertriebsleitung darf Leads löschen."))
    lead._history_user = _user_or_none(user)
    lead.delete()


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
    actor = _user_or_none(user)
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
        _assign(lead, data)
        status = data.get("status")
        if status is not None:
            key = status.pk if isinstance(status, LeadStatus) else status
            if key not in statuses:
                statuses[key] = _as_status(status)
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
            _apply_status(Lead(), None, status, user)  # the lifecycle checks, once a status
            checked.add(status.pk)
        # what _apply_status sets on a new lead (the times again when it is written)
        lead.status = status
        lead.status_changed_at = now
        lead.closed_at = now if status.phase in TERMINAL_PHASES else None
        _check_planned(lead)
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

    from leads import bulk_copy
    from leads.distribution import notify_new_owners, plan_owners
    from leads.models import LeadRating
    from leads.numbering import reserve_lead_numbers

    if prepared is None:
        prepared = leads_bulk_prepare(rows=rows, user=user, interests=interests, ratings=ratings)
    if not prepared:
        return []
    actor = _user_or_none(user)
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
        [(lead, r) for lead, r in zip(leads, owners, strict=True) if r is not None], actor
    )
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
    from leads import bulk_copy

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
