"""Reads for the contacts screens: lists, cards, section tabs and the column chooser.

Every queryset loads its related rows up front so a table never queries per row.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import ListPreference, Role, User
from contacts.models import Category, CategoryGroup, Company, LeadStatus, Person
from ui.history import history_rows


@dataclass(frozen=True)
class Column:
    key: str
    label: str


PERSON_COLUMNS = [
    Column("name", _("Name")),
    Column("company", _("Firma")),
    Column("function", _("Funktion")),
    Column("email", _("E-Mail")),
    Column("phone", _("Telefon")),
    Column("category", _("Kategorie")),
    Column("category_group", _("Kategoriengruppe")),
    Column("lead_status", _("Lead-Status")),
    Column("lead_status_changed_at", _("Lead-Status geändert")),
    Column("owner", _("Zuständig")),
    Column("lead_source", _("Quelle")),
]
COMPANY_COLUMNS = [
    Column("name", _("Name")),
    Column("category", _("Kategorie")),
    Column("category_group", _("Kategoriengruppe")),
    Column("city", _("Ort")),
    Column("phone", _("Telefon")),
    Column("email", _("E-Mail")),
    Column("owner", _("Zuständig")),
]

# list key -> (available columns, default columns); "name" is always shown.
LIST_COLUMNS = {
    "company_persons": (PERSON_COLUMNS, ["name", "function", "email", "phone"]),
    "person_list": (PERSON_COLUMNS, ["name", "company", "function", "email", "lead_status"]),
    "find_persons": (PERSON_COLUMNS, ["name", "company", "category", "lead_status", "owner"]),
    "find_companies": (COMPANY_COLUMNS, ["name", "category", "category_group", "city", "owner"]),
    "company_list": (COMPANY_COLUMNS, ["name", "category", "city", "phone", "owner"]),
}


def columns_for(*, user, key: str) -> list[Column]:
    """The columns `user` chose for list `key` (defaults when never chosen), in table order."""
    available, default = LIST_COLUMNS[key]
    pref = ListPreference.objects.filter(user=user, key=key).values_list("columns", flat=True)
    chosen = next(iter(pref), None) or default
    chosen = set(chosen) | {"name"}
    return [c for c in available if c.key in chosen]


def assignable_users() -> QuerySet[User]:
    return (
        User.objects.active()
        .with_role(Role.SALES, Role.SALES_MANAGER, Role.MARKETING)
        .order_by("first_name", "last_name", "username")
    )


def category_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Active categories grouped by category group (for <optgroup>s)."""
    grouped: dict[str, list[tuple[int, str]]] = {}
    for cat in Category.objects.active().select_related("group"):
        grouped.setdefault(cat.group.name, []).append((cat.pk, cat.name))
    return list(grouped.items())


def lead_statuses() -> list[LeadStatus]:
    return list(LeadStatus.objects.active())


def category_groups() -> list[CategoryGroup]:
    return list(CategoryGroup.objects.all())


def company_list(*, q: str = "", category_id: int | None = None, owner_id: int | None = None):
    qs = Company.objects.for_list()
    if q:
        qs = qs.filter(name__icontains=q)
    if category_id:
        qs = qs.filter(category_id=category_id)
    if owner_id:
        qs = qs.filter(owner_id=owner_id)
    return qs


def person_list(*, q: str = "", lead_status_id: int | None = None):
    qs = Person.objects.for_list()
    if q:
        qs = qs.filter(
            Q(last_name__icontains=q)
            | Q(first_name__icontains=q)
            | Q(email__icontains=q)
            | Q(company__name__icontains=q)
        )
    if lead_status_id:
        qs = qs.filter(lead_status_id=lead_status_id)
    return qs


def company_detail(*, pk: int) -> Company:
    return Company.objects.for_list().get(pk=pk)


def person_detail(*, pk: int) -> Person:
    return Person.objects.for_list().get(pk=pk)


def company_persons(*, company: Company, lead_status: str = "", group_by: str = ""):
    """Persons tab: filter by lead status id (or "none"), optionally grouped by lead status."""
    qs = company.persons.for_list()
    if lead_status == "none":
        qs = qs.filter(lead_status__isnull=True)
    elif lead_status.isdecimal() and len(lead_status) < 10:
        qs = qs.filter(lead_status_id=int(lead_status))
    if group_by == "lead_status":
        qs = qs.order_by("lead_status__rank", "lead_status__name", "last_name", "first_name")
    return qs


def company_leads(*, company: Company, limit: int = 50):
    """The company's leads (Geschäftspartner), newest first. Read through the reverse
    relation: the lead domain sits above contacts and links companies from its side."""
    return list(company.leads.for_list().order_by("-created_at")[:limit])


def company_history(*, company: Company, limit: int = 50) -> list[dict]:
    """History rows with the changed fields (`ui.history`: names, labels, local dates)."""
    return history_rows(company.history, Company, limit=limit)


def person_leads(*, person: Person, limit: int = 20):
    return list(person.leads.for_list().order_by("-created_at")[:limit])


def page_of(qs, *, page: int, per_page: int = 50):
    """One page without COUNT(*): fetch one row more to know whether a next page exists."""
    page = max(1, page)
    offset = (page - 1) * per_page
    rows = list(qs[offset : offset + per_page + 1])
    return {
        "rows": rows[:per_page],
        "page": page,
        "has_next": len(rows) > per_page,
        "has_previous": page > 1,
    }


def attach_lead_sources(persons: list[Person]) -> list[Person]:
    """Set `p.lead_sources` (sources / UTM sources of the person's leads) with one query,
    through the reverse relation of the lead's contact links (leads sit above contacts)."""
    by_person: dict[int, set[str]] = {p.pk: set() for p in persons}
    rows = Person.objects.filter(pk__in=list(by_person), lead_links__isnull=False).values_list(
        "pk", "lead_links__lead__source__name", "lead_links__lead__utm_source"
    )
    for person_id, source, utm_source in rows:
        by_person[person_id].update(v for v in (source, utm_source) if v)
    for person in persons:
        person.lead_sources = sorted(by_person[person.pk])
    return persons
