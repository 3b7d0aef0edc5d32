"""Reads of the opportunity screens: the filtered list, a page of it, the sections on the
lead and company pages, the detail page. Related rows are loaded with the rows, so a page
costs the same number of queries for 5 or 500 opportunities."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from contacts.models import Company
from contacts.selectors import page_of
from leads.models import Lead, LeadContact
from opportunities.models import Opportunity, OpportunityKind
from opportunities.permissions import visible_opportunities
from ui.display import date_text, datetime_text, money_text

ME, NOBODY = "me", "nobody"
PAGE_SIZE = 50
SECTION_LIMIT = 50
AMOUNT = DecimalField(max_digits=14, decimal_places=2)

# filter key -> ORM lookup, for the plain ones (the form has validated the values)
_LOOKUPS = {
    "kind": "kind",
    "amount_min": "amount__gte",
    "amount_max": "amount__lte",
    "close_from": "expected_close__gte",
    "close_to": "expected_close__lte",
    "created_from": "created_at__date__gte",
    "created_to": "created_at__date__lte",
    "company": "company",
}


def opportunity_list(*, filters: Mapping[str, Any], user) -> QuerySet[Opportunity]:
    """The opportunities `user` sees, narrowed by the cleaned filter values, newest first."""
    qs = visible_opportunities(user).for_list()
    for key, lookup in _LOOKUPS.items():
        value = filters.get(key)
        if value not in (None, ""):
            qs = qs.filter(**{lookup: value})
    statuses = filters.get("status")
    if statuses:
        qs = qs.filter(status__in=list(statuses))
    owner = filters.get("owner")
    if owner == ME:
        qs = qs.filter(owner=user)
    elif owner == NOBODY:
        qs = qs.filter(owner__isnull=True)
    elif owner:
        qs = qs.filter(owner_id=int(owner))
    text = (filters.get("q") or "").strip()
    if text:
        qs = qs.filter(
            Q(title__icontains=text)
            | Q(company__name__icontains=text)
            | Q(lead__number__iexact=text)
        )
    return qs.order_by("-created_at", "-id")


def opportunity_page(qs: QuerySet[Opportunity], *, page: int) -> dict:
    return page_of(qs, page=page, per_page=PAGE_SIZE)


def opportunity_totals(qs: QuerySet[Opportunity]) -> dict:
    """Count and sum of the filtered list in one query (amounts without a value count 0)."""
    return qs.order_by().aggregate(
        count=Count("id"), amount=Coalesce(Sum("amount"), Decimal(0), output_field=AMOUNT)
    )


def lead_opportunities(*, lead: Lead, user) -> list[Opportunity]:
    return list(visible_opportunities(user).for_list().filter(lead=lead)[:SECTION_LIMIT])


def company_opportunities(*, company: Company, user) -> list[Opportunity]:
    return list(visible_opportunities(user).for_list().filter(company=company)[:SECTION_LIMIT])


def opportunity_detail(*, pk: int, user) -> Opportunity:
    """Raises Opportunity.DoesNotExist when missing or not visible to `user`."""
    return (
        visible_opportunities(user)
        .for_list()
        .select_related("created_by", "updated_by", "lead__status")
        .prefetch_related("activities")
        .get(pk=pk)
    )


def initial_from_lead(lead: Lead) -> dict[str, Any]:
    """A new opportunity prefilled from its lead: the conversion's step 3 and the
    "Verkaufschance anlegen" form of a converted lead."""
    interests = ", ".join(i.name for i in lead.interests.all())
    main = (
        LeadContact.objects.filter(lead=lead, is_main=True, person__company_id=lead.customer_id)
        .values_list("person_id", flat=True)
        .first()
        if lead.customer_id
        else None
    )
    return {
        "kind": OpportunityKind.INQUIRY,
        "title": (interests or lead.display_name)[:200],
        "description": lead.notes[:5000],
        "person": main,
        "owner": lead.follow_up_by_id,
    }


def gdpr_rows(qs: QuerySet[Opportunity]) -> list[dict[str, str]]:
    """The opportunities in a GDPR export (German keys, values as the reader sees them)."""
    return [
        {
            "art": o.get_kind_display(),
            "titel": o.title,
            "status": o.get_status_display(),
            "betrag": money_text(o.amount),
            "voraussichtlicher_abschluss": date_text(o.expected_close),
            "firma": str(o.company),
            "ansprechpartner": str(o.person) if o.person_id else "",
            "zustaendig": str(o.owner) if o.owner_id else "",
            "beschreibung": o.description,
            "angelegt_am": datetime_text(o.created_at),
            "abgeschlossen_am": datetime_text(o.closed_at),
        }
        for o in qs.select_related("company", "person", "owner").order_by("created_at", "id")
    ]
