"""Writes on opportunities: create, update (optimistic locking), set the status.

Every function runs in one transaction, bumps `Opportunity.version` (the form's hidden
`version` must match, or `ConflictError` names who changed what), records a history entry
with the acting user and returns the saved opportunity. `closed_at` is owned by
`opportunity_set_status`: set on gewonnen/verloren, cleared when reopened.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import events
from activities.models import Activity
from opportunities.errors import ConflictError, OpportunityError
from opportunities.history import changes_since
from opportunities.models import (
    CLOSED_STATUSES,
    Opportunity,
    OpportunityKind,
    OpportunityStatus,
)
from opportunities.permissions import CREATE_DENIED, can_create_opportunity, create_refusal

# what a caller may set through `data` (status, closed_at and version belong to the services)
CREATE_FIELDS = frozenset(
    {
        "kind",
        "title",
        "company",
        "person",
        "lead",
        "amount",
        "expected_close",
        "description",
        "owner",
    }
)
UPDATE_FIELDS = CREATE_FIELDS - {"company", "lead"}
TITLE_MAX, DESCRIPTION_MAX = 200, 5000


def _acting(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _assign(opportunity: Opportunity, data: Mapping[str, Any], allowed: frozenset) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise OpportunityError(_("Unbekannte Felder: %(f)s") % {"f": ", ".join(sorted(unknown))})
    for name, value in data.items():
        if name in ("title", "description"):
            value = str(value or "").strip()
        setattr(opportunity, name, value)


def _validate(opportunity: Opportunity) -> None:
    if opportunity.kind not in OpportunityKind.values:
        raise OpportunityError(_("Unbekannte Art der Verkaufschance."), field="kind")
    if not opportunity.title:
        raise OpportunityError(_("Bitte geben Sie einen Titel an."), field="title")
    if len(opportunity.title) > TITLE_MAX:
        raise OpportunityError(
            _("Der Titel darf höchstens %(n)d Zeichen lang sein.") % {"n": TITLE_MAX},
            field="title",
        )
    if opportunity.company_id is None:
        raise OpportunityError(_("Eine Verkaufschance braucht eine Firma."), field="company")
    if opportunity.person_id and opportunity.person.company_id != opportunity.company_id:
        raise OpportunityError(
            _("Der Ansprechpartner gehört nicht zur Firma der Verkaufschance."), field="person"
        )
    try:
        opportunity.full_clean(
            exclude=["company", "person", "lead", "owner", "created_by", "updated_by"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise OpportunityError(" ".join(messages), field=field) from exc


def _save(opportunity: Opportunity, user) -> None:
    opportunity.updated_by = _acting(user)
    opportunity._history_user = _acting(user)
    opportunity.save()


def _lock(opportunity: Opportunity, expected_version: int) -> Opportunity:
    locked = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if locked.version != int(expected_version):
        record, who, changes = changes_since(locked.pk, int(expected_version))
        raise ConflictError(
            changed_by=who,
            changed_at=record.history_date if record else None,
            changes=changes,
            current_version=locked.version,
        )
    return locked


@transaction.atomic
def opportunity_create(
    *, data: Mapping[str, Any], user, activities: Iterable[Activity | int] = ()
) -> Opportunity:
    """A new opportunity (status Offen); `activities` are linked to it (e.g. the lead's)."""
    opportunity = Opportunity(status=OpportunityStatus.OPEN, version=1)
    _assign(opportunity, data, CREATE_FIELDS)
    _validate(opportunity)
    opportunity.created_by = _acting(user)
    _save(opportunity, user)
    activities = list(activities)
    if activities:
        opportunity.activities.add(*activities)
    events.publish("opportunity.created", opportunity)
    return opportunity


@transaction.atomic
def opportunity_create_from_lead(*, lead, data: Mapping[str, Any], user) -> Opportunity:
    """ "Verkaufschance anlegen" for a converted lead (the lead's section and the API):
    refused with PermissionDenied when the user may not (`can_create_opportunity`), with an
    OpportunityError on "lead" when the lead does not allow it now (`create_refusal`)."""
    if not can_create_opportunity(user, lead):
        raise PermissionDenied(CREATE_DENIED)
    refusal = create_refusal(lead)
    if refusal:
        raise OpportunityError(refusal, field="lead")
    return opportunity_create(data={**data, "company": lead.customer, "lead": lead}, user=user)


@transaction.atomic
def opportunity_update(
    *, opportunity: Opportunity, data: Mapping[str, Any], user, expected_version: int
) -> Opportunity:
    """Save the edit form; refuses with ConflictError when the opportunity moved on."""
    locked = _lock(opportunity, expected_version)
    _assign(locked, data, UPDATE_FIELDS)
    _validate(locked)
    locked.version += 1
    _save(locked, user)
    events.publish("opportunity.updated", locked)
    return locked


@transaction.atomic
def opportunity_set_status(
    *, opportunity: Opportunity, status: str, user, expected_version: int
) -> Opportunity:
    """Offen → Gewonnen/Verloren stamps `closed_at`; back to Offen clears it."""
    if status not in OpportunityStatus.values:
        raise OpportunityError(_("Unbekannter Status."), field="status")
    locked = _lock(opportunity, expected_version)
    if locked.status == status:
        raise OpportunityError(
            _("Die Verkaufschance ist bereits „%(status)s“.")
            % {"status": OpportunityStatus(status).label}
        )
    locked.status = status
    locked.closed_at = timezone.now() if status in CLOSED_STATUSES else None
    locked.version += 1
    _save(locked, user)
    events.publish("opportunity.updated", locked)
    return locked
