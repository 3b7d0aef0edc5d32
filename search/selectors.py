"""The global search of the navbar: leads, companies, persons, activities, opportunities.

A query matches by number, name, e-mail and phone. Phones are stored in E.164
(phonenumber_field), so a query that parses as a phone number ("0821 5990490",
"08215990490", "+49 821 5990490") is normalised to E.164 once and matched exactly – an
index lookup, whatever the notation. Text goes through the lead list's own search
(`leads.search.search_leads`, one trigram index) for leads, and `icontains` on the few
name/e-mail columns for the other groups. Every group is cut at `limit` rows, so a search
costs one query per group whatever the data size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import phonenumbers
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from activities.models import Activity
from contacts.models import Company, Person
from leads.permissions import visible_leads
from leads.search import LeadSearchText
from opportunities.permissions import visible_opportunities

MAX_QUERY = 100
DROPDOWN_LIMIT = 5
PAGE_LIMIT = 20
GROUPS = {
    "leads": _("Leads"),
    "companies": _("Firmen"),
    "persons": _("Personen"),
    "activities": _("Aktivitäten"),
    "opportunities": _("Verkaufschancen"),
}


@dataclass
class Group:
    key: str
    label: str
    rows: list = field(default_factory=list)
    more: bool = False


def normalise_phone(text: str) -> str | None:
    """E.164 of `text` if it reads as a phone number (German numbers without a prefix)."""
    digits = sum(ch.isdigit() for ch in text)
    if digits < 5 or any(ch.isalpha() for ch in text):
        return None
    region = str(getattr(settings, "PHONENUMBER_DEFAULT_REGION", None) or "DE")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _words(text: str) -> list[str]:
    return text.split()[:4]


def _all_words(text: str, *lookups: str) -> Q:
    """Every word in one of the columns (AND over words, OR over columns)."""
    condition = Q()
    for word in _words(text):
        either = Q()
        for lookup in lookups:
            either |= Q(**{f"{lookup}__icontains": word})
        condition &= either
    return condition


def _or_phone(condition: Q, phone: str | None, *columns: str) -> Q:
    """A number-looking query may be a lead number as well as a phone: either matches."""
    for column in columns if phone else ():
        condition |= Q(**{column: phone})
    return condition


def _cut(group: Group, rows: list, limit: int) -> Group:
    group.rows, group.more = rows[:limit], len(rows) > limit
    return group


def _leads(user, text, phone, limit):
    # the words on the lead list's indexed search text (leads/search.py)
    qs = visible_leads(user).select_related("status").alias(search_text=LeadSearchText())
    condition = _or_phone(_all_words(text, "search_text"), phone, "phone")
    return list(qs.filter(condition).order_by("-created_at", "-id")[: limit + 1])


def _companies(text, phone, limit):
    condition = _or_phone(_all_words(text, "name", "email", "city"), phone, "phone")
    return list(Company.objects.filter(condition).order_by("name", "id")[: limit + 1])


def _persons(text, phone, limit):
    condition = _or_phone(
        _all_words(text, "first_name", "last_name", "email"), phone, "phone", "mobile"
    )
    qs = Person.objects.filter(condition).select_related("company")
    return list(qs.order_by("last_name", "first_name", "id")[: limit + 1])


def _activities(text, phone, limit):
    condition = _or_phone(_all_words(text, "subject", "mail_to"), phone, "contact_phone")
    qs = Activity.objects.filter(condition).select_related("person")
    return list(qs.order_by("-created_at", "-id")[: limit + 1])


def _opportunities(user, text, phone, limit):
    condition = _all_words(text, "title", "company__name")
    qs = visible_opportunities(user).filter(condition).select_related("company")
    return list(qs.order_by("-created_at", "-id")[: limit + 1])


def global_search(text: str, *, user, limit: int = DROPDOWN_LIMIT) -> list[Group]:
    """The groups that have hits for `text` (at most `limit` rows each, `more` if cut)."""
    text = " ".join((text or "").split())[:MAX_QUERY]
    if len(text) < 2:
        return []
    phone = normalise_phone(text)
    found = {
        "leads": _leads(user, text, phone, limit),
        "companies": _companies(text, phone, limit),
        "persons": _persons(text, phone, limit),
        "activities": _activities(text, phone, limit),
        "opportunities": _opportunities(user, text, phone, limit),
    }
    groups = [_cut(Group(key, GROUPS[key]), found[key], limit) for key in GROUPS]
    return [g for g in groups if g.rows]
