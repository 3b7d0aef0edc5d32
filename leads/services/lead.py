"""Writes on leads: create, update (optimistic locking), ratings, delete.

Every function runs in one transaction, bumps `Lead.version`, records history
(leads/services/history.py) and returns the saved lead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

import events
from contacts.models import LeadStatus, Person, Phase
from leads.errors import LeadError
from leads.fields import capture_fields, mask_fields
from leads.models import Interest, Lead, LeadContact
from leads.models.lead import IDENTITY_FIELDS
from leads.permissions import can_delete_lead
from leads.services import scoring, uploads
from leads.services.appointments import lead_sync_appointment
from leads.services.distribution import lead_assign_owner
from leads.services.history import conflict_error, tag_version
from leads.services.lifecycle import (
    LOST_FIELDS,
    acting_user,
    apply_status,
    as_lost_reason,
    as_status,
    lock_lead,
    settle_lost_reason,
    write_status_change,
)
from leads.services.numbering import next_lead_number

# Fields a caller may set through `data`: the mask's, plus what a capture channel carries
# (leads.fields is the catalogue of both); everything else is owned by the services.
EDITABLE_FIELDS = (
    frozenset(mask_fields()) | frozenset(capture_fields(hidden=True)) | {"capture_channel"}
)

UNSET = object()
IDENTITY_FIELDS_SET = frozenset(IDENTITY_FIELDS)


@dataclass
class LeadSaveResult:
    lead: Lead
    warnings: list[str] = field(default_factory=list)


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
        with transaction.atomic():
            return lead_sync_appointment(lead=lead, user=user)
    except LeadError as exc:
        return [exc.message]


def check_planned(lead: Lead) -> None:
    if lead.planned_start and lead.planned_end and lead.planned_end < lead.planned_start:
        raise LeadError(_("„Termin bis“ muss nach „Termin von“ liegen."), field="planned_end")


def check_identity(lead: Lead) -> None:
    """The lead's minimum (`Lead.identity_errors`): refuse with every message, on the first field."""
    errors = lead.identity_errors()
    if errors:
        messages = list(dict.fromkeys(errors.values()))
        raise LeadError(" ".join(messages), field=next(iter(errors)))


def assign_fields(lead: Lead, data: Mapping[str, Any]) -> None:
    unknown = set(data) - EDITABLE_FIELDS - {"business_card"}
    if unknown:
        raise LeadError(_("Unbekannte Felder: %(f)s") % {"f": ", ".join(sorted(unknown))})
    for name, value in data.items():
        if name in ("status", "business_card"):
            continue
        if name == "lost_reason":
            value = as_lost_reason(value)  # an id or a name from the API or an import
        if value is None:
            model_field = Lead._meta.get_field(name)
            if not model_field.null:
                value = model_field.get_default() if model_field.has_default() else ""
        setattr(lead, name, value)


def _apply_business_card(lead: Lead, data: Mapping[str, Any]) -> None:
    if "business_card" not in data:
        return

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

    lead = Lead()
    assign_fields(lead, data)
    status = as_status(data.get("status")) or LeadStatus.objects.default()
    if status.phase == Phase.CONVERTED:
        raise LeadError(
            _(
                "Konvertiert nur über die Konvertierung: Ein neuer Lead kann nicht konvertiert sein."
            ),
            field="status",
        )
    apply_status(lead, None, status, user)
    check_planned(lead)
    check_identity(lead)
    # only now, after every check: a refused lead must not use up a number (the increment
    # is part of this transaction and rolls back with it anyway)
    lead.number = next_lead_number()
    lead.created_by = lead.updated_by = acting_user(user)
    lead.version = 1
    criteria = scoring.active_criteria()
    wanted = scoring.clean_ratings(ratings, criteria)
    lead.score, lead.score_breakdown = scoring.compute_score(
        source_id=lead.source_id, ratings=wanted, criteria=criteria
    )
    _apply_business_card(lead, data)
    tag_version(lead, user)
    lead.save()
    write_status_change(lead)
    scoring.store_ratings(lead, wanted, criteria)
    if interests:
        lead.interests.set(list(interests))
    _set_contacts(lead, contacts)
    if lead.follow_up_by_id is None:
        lead_assign_owner(lead=lead, actor=user)
    warnings = _sync_appointment(lead, user)
    events.publish("lead.created", lead)
    if lead.follow_up_by_id is not None:
        events.publish("lead.assigned", lead)
    return LeadSaveResult(lead=lead, warnings=warnings)


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
    locked = lock_lead(lead.pk)
    if locked.version != int(expected_version):
        raise conflict_error(locked.pk, int(expected_version), locked.version)
    old_status, old_owner_id = locked.status, locked.follow_up_by_id
    old_reason_id = locked.lost_reason_id
    assign_fields(locked, data)
    if "status" in data and data["status"] is not None:
        new_status = as_status(data["status"])
        if new_status is None:
            raise LeadError(_("Unbekannter Status."), field="status")
        apply_status(locked, old_status, new_status, user)
    if locked.status_id == getattr(old_status, "pk", None) and LOST_FIELDS & set(data):
        # the status stays: only the reason or the note is edited (or cleared)
        settle_lost_reason(locked, kept_reason_id=old_reason_id)
    check_planned(locked)
    if IDENTITY_FIELDS_SET & set(data):
        # checked when the caller touches them: a ratings-only save of an old lead still works
        check_identity(locked)
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
    locked.updated_by = acting_user(user)
    tag_version(locked, user)
    locked.save()
    write_status_change(locked)
    if interests is not None:
        new_ids = {i.pk if isinstance(i, Interest) else int(i) for i in interests}
        if new_ids != set(locked.interests.values_list("pk", flat=True)):
            locked.interests.set(list(new_ids))
    if main_contact is not UNSET:
        lead_set_main_contact(lead=locked, person=main_contact)
    warnings = _sync_appointment(locked, user)
    events.publish("lead.updated", locked)
    if locked.follow_up_by_id not in (None, old_owner_id):
        events.publish("lead.assigned", locked)
    return LeadSaveResult(lead=locked, warnings=warnings)


def lead_set_ratings(
    *, lead: Lead, ratings: Mapping[int, Any], user, expected_version: int
) -> LeadSaveResult:
    """Change only the ratings (section-wise editing); a full update with the same data."""
    return lead_update(
        lead=lead, data={}, user=user, expected_version=expected_version, ratings=ratings
    )


@transaction.atomic
def lead_delete(*, lead: Lead, user) -> None:
    if not can_delete_lead(user, lead):
        raise LeadError(_("Nur die Vertriebsleitung darf Leads löschen."))
    lead._history_user = acting_user(user)
    lead.delete()
