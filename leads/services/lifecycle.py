"""The lead status lifecycle: the rules of a status change, in one place for every caller.

Mask, board, admin, bulk path and conversion all change a status through
`apply_status` (in memory, saved by the caller) or `lead_set_status` (locked, versioned).

Verlustgrund (issue #17): a lead that becomes Disqualifiziert or Geschlossen needs an
active lost reason (`Lead.lost_reason_error`), the note is optional; a lead that leaves
those phases drops both (simple-history keeps the old values). `settle_lost_reason` is
that rule for every writer: `apply_status` calls it on a status change, `lead_update`
when only the reason or the note is edited, the bulk path per new lead.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import events
from contacts.models import TERMINAL_PHASES, LeadStatus, Phase
from leads.errors import LeadError
from leads.models import Lead, LeadStatusChange, LostReason
from leads.services.history import conflict_error, tag_version


def as_status(value) -> LeadStatus | None:
    if value is None or isinstance(value, LeadStatus):
        return value
    return LeadStatus.objects.filter(pk=value).first()


LOST_NOTE_MAX = Lead._meta.get_field("lost_note").max_length
LOST_FIELDS = frozenset({"lost_reason", "lost_note"})


def as_lost_reason(value) -> LostReason | None:
    """A LostReason from itself, its id or its name (case-insensitive); None for nothing
    given; LeadError for a value that names no reason (never a 500 on a bogus id)."""
    if value is None or value == "" or isinstance(value, LostReason):
        return value or None
    text = str(value).strip()
    found = None
    if text.isdecimal() and len(text) < 10:
        found = LostReason.objects.filter(pk=int(text)).first()
    if found is None and text:
        found = LostReason.objects.filter(name__iexact=text[:80]).first()
    if found is None:
        raise LeadError(_("Unbekannter Verlustgrund."), field="lost_reason")
    return found


def settle_lost_reason(lead: Lead, *, kept_reason_id: int | None = None) -> None:
    """The Verlustgrund rule on the in-memory lead: lost needs an active reason (a reason
    the lead kept from before may have been deactivated since), anything else carries none."""
    if not lead.is_lost:
        lead.lost_reason = None
        lead.lost_note = ""
        return
    error = lead.lost_reason_error(kept_reason_id=kept_reason_id)
    if error:
        raise LeadError(error, field="lost_reason")
    lead.lost_note = (lead.lost_note or "").strip()
    if len(lead.lost_note) > LOST_NOTE_MAX:
        raise LeadError(
            _("Die Notiz zum Verlust ist zu lang (höchstens %(n)d Zeichen).")
            % {"n": LOST_NOTE_MAX},
            field="lost_note",
        )


def check_status_change(new: LeadStatus, *, via_conversion: bool = False) -> None:
    """What a status itself allows: Konvertiert only through the conversion, no inactive
    status. The lost reason is the lead's (`settle_lost_reason`)."""
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


def apply_status(
    lead: Lead, old: LeadStatus | None, new: LeadStatus, user, *, via_conversion: bool = False
) -> None:
    """Lifecycle rules for a status change on the in-memory lead (saved by the caller).
    The caller sets `lead.lost_reason`/`lost_note` first when the new status is a lost one."""
    if old is not None and old.pk == new.pk:
        return
    check_status_change(new, via_conversion=via_conversion)
    now = timezone.now()
    lead.status = new
    lead.status_changed_at = now
    was_terminal = old is not None and old.phase in TERMINAL_PHASES
    if new.phase in TERMINAL_PHASES:
        if not was_terminal or lead.closed_at is None:
            lead.closed_at = now
    else:
        lead.closed_at = None
    settle_lost_reason(lead)
    lead._pending_status_change = LeadStatusChange(
        from_status=old, to_status=new, changed_at=now, changed_by=acting_user(user)
    )


def acting_user(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def write_status_change(lead: Lead) -> None:
    change = getattr(lead, "_pending_status_change", None)
    if change is not None:
        change.lead = lead
        change.save()
        del lead._pending_status_change
        if change.from_status_id is not None:  # a new lead's first status is lead.created
            events.publish("lead.status_changed", lead)


def lock_lead(pk: int) -> Lead:
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
def lead_set_status(
    *,
    lead: Lead,
    status: LeadStatus | int,
    user,
    expected_version: int | None,
    via_conversion: bool = False,
    lost_reason: LostReason | int | str | None = None,
    lost_note: str | None = None,
) -> Lead:
    """Move the lead to `status` (kanban card move, mask). `expected_version=None` skips the
    version check (system jobs). Konvertiert is only reachable with `via_conversion=True`
    (used by the conversion service). A lost status needs `lost_reason` (object, id or
    name) unless the lead has an active one already; `lost_note` None keeps the note."""
    locked = lock_lead(lead.pk)
    if expected_version is not None and locked.version != int(expected_version):
        raise conflict_error(locked.pk, int(expected_version), locked.version)
    new_status = as_status(status)
    if new_status is None:
        raise LeadError(_("Unbekannter Status."), field="status")
    if new_status.pk == locked.status_id:
        return locked
    reason = as_lost_reason(lost_reason)
    if reason is not None:
        locked.lost_reason = reason
    if lost_note is not None:
        locked.lost_note = lost_note
    apply_status(locked, locked.status, new_status, user, via_conversion=via_conversion)
    locked.version += 1
    locked.updated_by = acting_user(user)
    tag_version(locked, user)
    locked.save()
    write_status_change(locked)
    return locked
