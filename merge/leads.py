"""Merge two leads [Dubletten zusammenführen]: the user picks per differing field which value
survives; activities, contacts, ratings, consent log, status history, opportunities and
interests move to the winner. The loser stays as a stub with `merged_into = winner`
(hidden from lists by `LeadQuerySet.active()`), so old links still resolve.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from leads.errors import LeadError
from leads.fields import merge_fields
from leads.models import (
    ConsentRecord,
    Lead,
    LeadContact,
    LeadRating,
    LeadStatusChange,
)
from leads.permissions import can_edit_lead
from leads.services import history as history
from leads.services import scoring
from opportunities.models import Opportunity

# the fields whose surviving value the user picks, in the form's order (leads.fields; the
# catalogue also says how the rest merges: related rows join, the score is computed again)
MERGE_FIELDS = merge_fields()


def _value(lead: Lead, name: str):
    field = Lead._meta.get_field(name)
    return getattr(lead, field.attname)


def differing_fields(winner: Lead, loser: Lead) -> list[dict]:
    """Fields whose values differ, with display values for the comparison form."""
    rows = []
    for name in MERGE_FIELDS:
        a, b = _value(winner, name), _value(loser, name)
        if str(a or "") == str(b or ""):
            continue
        field = Lead._meta.get_field(name)
        rows.append(
            {
                "name": name,
                "label": field.verbose_name,
                "winner": str(getattr(winner, name) or "—"),
                "loser": str(getattr(loser, name) or "—"),
                # prefill: keep the winner's value unless it is empty
                "default": "loser" if a in (None, "") else "winner",
            }
        )
    return rows


@transaction.atomic
def lead_merge(
    *,
    winner: Lead,
    loser: Lead,
    user,
    choices: Mapping[str, str],
    winner_version: int,
    loser_version: int,
) -> Lead:
    """Merge `loser` into `winner`; `choices[field] == "loser"` takes the loser's value."""

    if winner.pk == loser.pk:
        raise LeadError(_("Ein Lead kann nicht mit sich selbst zusammengeführt werden."))
    locked = {
        lead.pk: lead
        for lead in Lead.objects.select_for_update().filter(pk__in=[winner.pk, loser.pk])
    }
    win, lose = locked[winner.pk], locked[loser.pk]
    for lead in (win, lose):
        if not can_edit_lead(user, lead):
            raise LeadError(_("Sie dürfen Lead %(n)s nicht bearbeiten.") % {"n": lead.number})
        if lead.merged_into_id:
            raise LeadError(_("Lead %(n)s wurde bereits zusammengeführt.") % {"n": lead.number})
    if win.version != int(winner_version):
        raise history.conflict_error(win.pk, int(winner_version), win.version)
    if lose.version != int(loser_version):
        raise history.conflict_error(lose.pk, int(loser_version), lose.version)

    for name in MERGE_FIELDS:
        if choices.get(name) == "loser":
            attname = Lead._meta.get_field(name).attname
            setattr(win, attname, getattr(lose, attname))

    # related rows move to the winner
    win.activities.add(*lose.activities.all())
    win.interests.add(*lose.interests.all())
    winner_people = set(LeadContact.objects.filter(lead=win).values_list("person_id", flat=True))
    winner_has_main = LeadContact.objects.filter(lead=win, is_main=True).exists()
    for link in LeadContact.objects.filter(lead=lose):
        if link.person_id in winner_people:
            link.delete()
            continue
        link.lead = win
        link.is_main = link.is_main and not winner_has_main
        link.save(update_fields=["lead", "is_main"])
    have = set(LeadRating.objects.filter(lead=win).values_list("criterion_id", flat=True))
    LeadRating.objects.filter(lead=lose).exclude(criterion_id__in=have).update(lead=win)
    ConsentRecord.objects.filter(lead=lose).update(lead=win)
    LeadStatusChange.objects.filter(lead=lose).update(lead=win)
    Opportunity.objects.filter(lead=lose).update(lead=win)
    if lose.appointment_id and not win.appointment_id:
        appointment_id = lose.appointment_id
        Lead.objects.filter(pk=lose.pk).update(appointment=None)
        win.appointment_id = appointment_id
    note = _("Zusammengeführt mit Lead %(n)s") % {"n": lose.number}
    win.version += 1
    win.updated_by = user
    history.tag_version(win, user)
    win._change_reason = f"{win._change_reason} {note}"[:100]
    win.save()

    criteria = scoring.active_criteria()
    wanted = scoring.lead_ratings(win)
    score, breakdown = scoring.compute_score(
        source_id=win.source_id, ratings=wanted, criteria=criteria
    )
    Lead.objects.filter(pk=win.pk).update(score=score, score_breakdown=breakdown)

    lose.refresh_from_db()
    lose.merged_into = win
    lose.version += 1
    lose.updated_by = user
    history.tag_version(lose, user)
    lose.save()
    win.refresh_from_db()
    return win
