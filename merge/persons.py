"""Merge two persons [Personen zusammenführen]: the user picks per differing field which
value survives; lead links, activities (as contact and recipient), opportunities, the
consent log, the data-access log and selections move to the winner, then the loser is
deleted (Person has no merged-into stub). Managers and staff only (it deletes a record).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from activities.models import Activity
from boards.models import Selection
from contacts.errors import ConflictError, ContactError
from contacts.models import Person
from contacts.services import PERSON_FIELDS
from leads.models import ConsentRecord, LeadContact, PersonalDataAccess
from opportunities.models import Opportunity

# the fields a person card edits (the bulk update offers the same ones)
MERGE_FIELDS = PERSON_FIELDS


def _value(person: Person, name: str):
    return getattr(person, Person._meta.get_field(name).attname)


def differing_fields(winner: Person, loser: Person) -> list[dict]:
    """Fields whose values differ, with display values for the comparison form."""
    rows = []
    for name in MERGE_FIELDS:
        a, b = _value(winner, name), _value(loser, name)
        if str(a or "") == str(b or ""):
            continue
        rows.append(
            {
                "name": name,
                "label": Person._meta.get_field(name).verbose_name,
                "winner": str(getattr(winner, name) or "—"),
                "loser": str(getattr(loser, name) or "—"),
                "default": "loser" if a in (None, "") else "winner",
            }
        )
    return rows


def _move_m2m(through, column: str, owner_column: str, win: Person, lose: Person) -> None:
    """Re-point `through` rows from lose to win; drop those the winner already has."""
    have = through.objects.filter(**{column: win}).values_list(owner_column, flat=True)
    through.objects.filter(**{column: lose}).exclude(**{f"{owner_column}__in": have}).update(
        **{column: win}
    )
    through.objects.filter(**{column: lose}).delete()


@transaction.atomic
def person_merge(
    *,
    winner: Person,
    loser: Person,
    user,
    choices: Mapping[str, str],
    winner_version: int,
    loser_version: int,
) -> Person:
    """Merge `loser` into `winner`; `choices[field] == "loser"` takes the loser's value."""
    if winner.pk == loser.pk:
        raise ContactError(_("Eine Person kann nicht mit sich selbst zusammengeführt werden."))
    locked = {
        p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[winner.pk, loser.pk])
    }
    if len(locked) != 2:
        raise ContactError(_("Eine der Personen gibt es nicht mehr."))
    win, lose = locked[winner.pk], locked[loser.pk]
    if win.version != int(winner_version) or lose.version != int(loser_version):
        raise ConflictError(
            _(
                "Eine der Personen wurde inzwischen von jemand anderem geändert. "
                "Bitte vergleichen Sie erneut."
            )
        )
    for name in MERGE_FIELDS:
        if choices.get(name) == "loser":
            attname = Person._meta.get_field(name).attname
            setattr(win, attname, getattr(lose, attname))

    # lead links: one per lead; the winner becomes main contact where the loser was
    for link in LeadContact.objects.filter(person=lose):
        existing = LeadContact.objects.filter(lead_id=link.lead_id, person=win).first()
        if existing is None:
            link.person = win
            link.save(update_fields=["person"])
            continue
        was_main = link.is_main
        link.delete()
        if was_main and not existing.is_main:
            existing.is_main = True
            existing.save(update_fields=["is_main"])
    Activity.objects.filter(person=lose).update(person=win)
    _move_m2m(Activity.recipients.through, "person", "activity", win, lose)
    _move_m2m(Selection.persons.through, "person", "selection", win, lose)
    Opportunity.objects.filter(person=lose).update(person=win)
    ConsentRecord.objects.filter(person=lose).update(person=win)
    PersonalDataAccess.objects.filter(person=lose).update(person=win)

    win.version = F("version") + 1
    win._history_user = user
    win._change_reason = (
        _("Zusammengeführt mit %(name)s (#%(pk)s)") % {"name": lose, "pk": lose.pk}
    )[:100]
    win.save()
    lose._history_user = user
    lose.delete()
    win.refresh_from_db()
    return win
