"""Reads of the merge screens: the other record, and the persons suggested as duplicates."""

from __future__ import annotations

from django.db.models import Q

from contacts.models import Person
from leads.fields import merge_relations
from leads.models import Lead

CANDIDATE_LIMIT = 10  # person suggestions shown


def lead_for_merge(pk: int):
    """The lead with what the merge form shows of it (None if missing)."""
    return Lead.objects.select_related(*merge_relations()).filter(pk=pk).first()


def lead_merge_partner(*, lead: Lead, ref: str) -> Lead | None:
    """The other lead by id or lead number; never `lead` itself or a lead merged already."""
    qs = Lead.objects.select_related(*merge_relations())
    qs = qs.filter(merged_into__isnull=True).exclude(pk=lead.pk)
    return (
        qs.filter(pk=int(ref)).first()
        if ref.isdecimal() and len(ref) < 10
        else qs.filter(number=ref).first()
    )


def _persons():
    return Person.objects.select_related("company", "owner")


def person_for_merge(pk: int) -> Person | None:
    return _persons().filter(pk=pk).first()


def person_merge_partner(*, person: Person, ref: str) -> Person | None:
    """The other person by id; never `person` itself."""
    if not (ref.isdecimal() and len(ref) < 10):
        return None
    return _persons().exclude(pk=person.pk).filter(pk=int(ref)).first()


def person_merge_candidates(person: Person) -> list[Person]:
    """Persons with the same first and last name, or the same e-mail address."""
    match = Q(last_name__iexact=person.last_name, first_name__iexact=person.first_name)
    if person.email:
        match |= Q(email__iexact=person.email)
    return list(
        _persons().filter(match).exclude(pk=person.pk).order_by("last_name", "id")[:CANDIDATE_LIMIT]
    )
