"""Reads of the conversion wizard: which Geschäftspartner and Ansprechpartner already exist
for the lead, and which of them the wizard links by default.

Conversion links by default (issue #15): an *exact* match is preselected, and creating a
new record next to one takes an explicit choice (conversion.forms). Exact means:
- a company with the same name including its legal form ("Muster GmbH" == "muster gmbh",
  but not "Muster AG"), the same e-mail address (its own or one of its persons'), or the
  same e-mail domain (not a free-mail one; contacts.duplicates.company_domain);
- a person with the same e-mail address (at any company), or with the same first and last
  name at the chosen company.
The candidates and what matched come from contacts.duplicates, the one matcher.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from contacts.duplicates import (
    DOMAIN,
    EMAIL,
    NAME_EXACT,
    PERSON_EMAIL,
    Candidate,
    find_company_duplicates,
    find_person_duplicates,
)
from contacts.models import Company, Person
from leads.models import Lead

EXACT_COMPANY_MATCHES = frozenset({NAME_EXACT, EMAIL, PERSON_EMAIL, DOMAIN})
EXACT_PERSON_MATCHES = frozenset({EMAIL, NAME_EXACT})
PERSON_LIST_LIMIT = 50


def company_candidates(*, name: str, email: str, phone: str = "") -> list[Candidate]:
    return find_company_duplicates({"company_name": name, "email": email, "phone": phone})


def lead_company_candidates(lead: Lead) -> list[Candidate]:
    """The companies step 1 suggests: the lead's own Geschäftspartner first (when it has
    one), then what the matcher finds for the lead's company name, e-mail and phone."""
    candidates = company_candidates(
        name=lead.company_name, email=lead.email, phone=str(lead.phone or "")
    )
    if lead.customer_id:
        own = Candidate("company", lead.customer, (_("Geschäftspartner des Leads"),), 1.0)
        candidates = [own, *(c for c in candidates if c.obj.pk != lead.customer_id)]
    return candidates


# When several companies match exactly, the company's own name and address say most about
# the company; a person's address or a shared domain less.
COMPANY_MATCH_PRIORITY = (NAME_EXACT, EMAIL, PERSON_EMAIL, DOMAIN)


def exact_company(candidates: list[Candidate]) -> Candidate | None:
    """The best exact match among `candidates` (by COMPANY_MATCH_PRIORITY, then as the
    matcher ranks them)."""
    for match in COMPANY_MATCH_PRIORITY:
        found = next((c for c in candidates if match in c.matches), None)
        if found is not None:
            return found
    return None


def company_preselection(lead: Lead, candidates: list[Candidate]) -> Company | None:
    """The Geschäftspartner step 1 starts with: the lead's own, else the best exact match."""
    if lead.customer_id:
        return lead.customer
    match = exact_company(candidates)
    return match.obj if match else None


def person_candidates(
    *, email: str, phone: str, first_name: str, last_name: str, company: Company | None
) -> list[Candidate]:
    return find_person_duplicates(
        {"email": email, "phone": phone, "first_name": first_name, "last_name": last_name},
        company=company,
    )


def exact_person(candidates: list[Candidate]) -> Candidate | None:
    return next((c for c in candidates if c.matches & EXACT_PERSON_MATCHES), None)


@dataclass
class PersonChoice:
    """What step 2 offers at `company`: its persons (the matches first), why each matching
    one fits, the person preselected, and an exact match that belongs to another company
    (shown, not linkable: a lead's Ansprechpartner belongs to its Geschäftspartner)."""

    persons: list[Person] = field(default_factory=list)
    reasons: dict[int, tuple[str, ...]] = field(default_factory=dict)
    preselected: Person | None = None
    elsewhere: Candidate | None = None


def person_choice(lead: Lead, company: Company | None) -> PersonChoice:
    candidates = person_candidates(
        email=lead.email,
        phone=str(lead.phone or ""),
        first_name=lead.first_name,
        last_name=lead.last_name,
        company=company,
    )
    choice = PersonChoice()
    here = [c for c in candidates if company is not None and c.obj.company_id == company.pk]
    elsewhere = [c for c in candidates if c not in here]
    choice.elsewhere = next((c for c in elsewhere if EMAIL in c.matches), None)
    if company is None:
        return choice
    exact = exact_person(here)
    choice.preselected = exact.obj if exact else None
    choice.reasons = {c.obj.pk: c.reasons for c in here}
    matched = [c.obj for c in here]
    others = (
        Person.objects.filter(company=company)
        .exclude(pk__in=[p.pk for p in matched])
        .order_by("last_name", "first_name", "pk")[: max(0, PERSON_LIST_LIMIT - len(matched))]
    )
    choice.persons = [*matched, *others]
    return choice
