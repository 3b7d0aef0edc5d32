"""Reads of the process screens: whom a process may still add to the lead."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from activities.models import ActivityKind
from contacts.models import Person
from leads.models import Lead, LeadContact

SEARCH_LIMIT = 20


def persons_to_link(*, lead: Lead, q: str) -> list[Person]:
    """Persons matching `q` (two characters at least) that are not yet linked to the lead."""
    q = (q or "").strip()
    if len(q) < 2:
        return []
    linked = LeadContact.objects.filter(lead=lead).values("person_id")
    return list(
        Person.objects.select_related("company")
        .exclude(pk__in=linked)
        .filter(
            Q(last_name__icontains=q)
            | Q(first_name__icontains=q)
            | Q(email__icontains=q)
            | Q(company__name__icontains=q)
        )
        .order_by("last_name", "first_name", "id")[:SEARCH_LIMIT]
    )


def appointment_user_ids(lead: Lead) -> set:
    """Users who already have the lead's appointment: its "Termin mit" and every user an
    appointment of the lead is delegated to."""
    delegated = lead.activities.filter(kind=ActivityKind.APPOINTMENT).values_list(
        "delegated_to_id", flat=True
    )
    return set(delegated) | {lead.appointment_with_id}


def users_matching(users: QuerySet, q: str) -> QuerySet:
    """`users` narrowed to first name, last name or user name containing `q` (all if empty)."""
    if not q:
        return users
    return users.filter(
        Q(first_name__icontains=q) | Q(last_name__icontains=q) | Q(username__icontains=q)
    )
