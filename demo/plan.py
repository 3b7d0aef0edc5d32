"""The demo data set as a plan: plain dicts drawn from `random.Random(42)`, no writes.

Planning never looks at what the database holds beyond the default lists and the demo
companies/persons themselves, so every run plans the same data set; the writers
(demo/contacts.py, demo/leads.py, …) then create only what is missing.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from decimal import Decimal

import phonenumbers

from activities.models import ActivityKind
from contacts.models import Phase, Salutation
from contacts.rules import lead_status_applies
from demo import catalog as cat
from leads.models import CaptureChannel
from opportunities.models import OpportunityKind, OpportunityStatus

LEAD_COUNT = 120
# final status name -> how many demo leads end there (sums to LEAD_COUNT)
STATUS_MIX = {
    "Offen": 24,
    "Kontaktaufnahme": 15,
    "Kontaktiert": 18,
    "Qualifiziert": 18,
    "Erneut bearbeiten": 10,
    "Disqualifiziert": 11,
    "Geschlossen": 10,
    "Konvertiert": 14,
}
# the way a lead walks to its final status
STATUS_PATHS = {
    "Offen": ["Offen"],
    "Kontaktaufnahme": ["Offen", "Kontaktaufnahme"],
    "Kontaktiert": ["Offen", "Kontaktaufnahme", "Kontaktiert"],
    "Qualifiziert": ["Offen", "Kontaktaufnahme", "Kontaktiert", "Qualifiziert"],
    "Erneut bearbeiten": ["Offen", "Kontaktaufnahme", "Kontaktiert", "Erneut bearbeiten"],
    "Disqualifiziert": ["Offen", "Kontaktaufnahme", "Disqualifiziert"],
    "Geschlossen": ["Offen", "Kontaktaufnahme", "Kontaktiert", "Qualifiziert", "Geschlossen"],
    "Konvertiert": ["Offen", "Kontaktaufnahme", "Kontaktiert", "Qualifiziert", "Konvertiert"],
}
CHANNEL_OF_SOURCE = {
    "Messe": CaptureChannel.FAIR,
    "Webseite": CaptureChannel.WEB_FORM,
    "Telefon": CaptureChannel.PHONE,
    "E-Mail": CaptureChannel.EMAIL,
}
NAME_PHASE = {
    "Offen": Phase.OPEN,
    "Kontaktaufnahme": Phase.WORKING,
    "Kontaktiert": Phase.WORKING,
    "Qualifiziert": Phase.QUALIFIED,
    "Erneut bearbeiten": Phase.REVISIT,
    "Disqualifiziert": Phase.DISQUALIFIED,
    "Geschlossen": Phase.CLOSED,
    "Konvertiert": Phase.CONVERTED,
}
PROSPECT_STATUSES = ["Offen", "Offen", "Kontaktaufnahme", "Kontaktiert", "Qualifiziert"]


def ascii_slug(text: str) -> str:
    text = text.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c if c.isalnum() else "-" for c in text).strip("-")


def german_phone(rng: random.Random, area: str, digits: int) -> str:
    """A landline number of that area in E.164 that `phonenumbers` accepts as valid."""
    while True:
        subscriber = str(rng.randint(2, 9)) + "".join(
            str(rng.randint(0, 9)) for _ in range(digits - 1)
        )
        number = phonenumbers.parse(f"+49{area}{subscriber}")
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def german_mobile(rng: random.Random) -> str:
    while True:
        prefix = rng.choice(["151", "152", "160", "170", "171", "172", "175", "176", "179"])
        number = phonenumbers.parse(f"+49{prefix}{rng.randint(1000000, 9999999)}")
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def opportunity_status(days_ago: int) -> str:
    """Older conversions have been decided: most won, some lost; recent ones are open.
    Derived from the story's age, so the random sequence (and every other story) stays."""
    if days_ago > 90:
        return OpportunityStatus.LOST if days_ago % 3 == 0 else OpportunityStatus.WON
    if days_ago > 60 and days_ago % 4 == 0:
        return OpportunityStatus.LOST
    return OpportunityStatus.OPEN


def plan_companies(rng: random.Random, *, categories: dict, reps: list) -> list[dict]:
    """`company_create` data for the companies of the catalogue, in catalogue order."""
    planned = []
    for i, (name, industry, category, domain) in enumerate(cat.COMPANIES):
        city, plz, area, digits = cat.CITIES[i % len(cat.CITIES)]
        planned.append(
            {
                "name": name,
                "industry": industry,
                "category": categories.get(category),
                "street": f"{rng.choice(cat.STREETS)} {rng.randint(1, 180)}",
                "postal_code": plz,
                "city": city,
                "country": "DE",
                "phone": german_phone(rng, area, digits),
                "email": f"info@{domain}",
                "website": f"https://www.{domain}",
                "owner": rng.choice(reps),
            }
        )
    return planned


def plan_persons(rng: random.Random, companies: list) -> list[dict]:
    """Two or three persons per company (25 companies -> 59 persons), as `person_create`
    data plus the prospect status they have reached ("status_name", None where the
    company's category has no lead status) and since how many days."""
    planned: list[dict] = []
    used_emails: set[str] = set()
    for i, company in enumerate(companies):
        domain = cat.COMPANIES[i][3]
        city = cat.CITIES[i % len(cat.CITIES)]
        for _ in range(2 if i % 3 else 3):
            female = rng.random() < 0.45
            first = rng.choice(cat.FIRST_NAMES_F if female else cat.FIRST_NAMES_M)
            last = rng.choice(cat.LAST_NAMES)
            email = f"{ascii_slug(first)}.{ascii_slug(last)}@{domain}"
            if email in used_emails:
                email = f"{ascii_slug(first[0])}.{ascii_slug(last)}@{domain}"
            used_emails.add(email)
            applies = lead_status_applies(company.category)
            status_name = rng.choice(PROSPECT_STATUSES)
            data = {
                "company": company,
                "salutation": Salutation.MS if female else Salutation.MR,
                "title": "Dr." if rng.random() < 0.12 else "",
                "first_name": first,
                "last_name": last,
                "function": rng.choice(cat.FUNCTIONS),
                "email": email,
                "phone": german_phone(rng, city[2], city[3]),
                "mobile": german_mobile(rng) if rng.random() < 0.6 else "",
                "owner": company.owner,
            }
            planned.append(
                {
                    "data": data,
                    "status_name": status_name if applies else None,
                    "status_days_ago": rng.randint(1, 90) if applies else None,
                }
            )
    return planned


class LeadPlanner:
    """The 120 demo leads: who they are, where they come from, how far they got."""

    def __init__(self, rng: random.Random, *, lists, companies, persons_by_company, reps):
        self.rng = rng
        self.lists = lists
        self.companies = companies
        self.persons_by_company = persons_by_company
        self.reps = reps

    def plan(self) -> list[dict]:
        rng = self.rng
        finals = [name for name, n in STATUS_MIX.items() for _ in range(n)]
        rng.shuffle(finals)
        linkable = [c for c in self.companies if c.category and c.category.group.kind != "supplier"]
        free_persons = {c.pk: list(self.persons_by_company.get(c.pk, [])) for c in linkable}
        used_emails: set[str] = set()
        plans = []
        for i, final in enumerate(finals):
            plan: dict = {"final": final, "index": i}
            company = None
            if final == "Konvertiert" or rng.random() < 0.3:
                candidates = [c for c in linkable if free_persons[c.pk]]
                company = rng.choice(candidates) if candidates else None
            if company is not None:
                plan.update(self._contact_of(company, free_persons[company.pk].pop(0)))
            else:
                plan.update(self._contact_without_company(i, used_emails))
            used_emails.add(plan["email"])
            plan.update(self._story(final))
            plans.append(plan)
        return plans

    def _contact_of(self, company, person) -> dict:
        return {
            "company": company,
            "person": person,
            "company_name": company.name,
            "salutation": person.salutation,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "function": person.function,
            "email": person.email,
            "phone": str(person.phone or ""),
            "street": company.street,
            "postal_code": company.postal_code,
            "city": company.city,
            "website": company.website,
            "extra_person": next(
                (p for p in self.persons_by_company[company.pk] if p.pk != person.pk), None
            )
            if self.rng.random() < 0.4
            else None,
        }

    def _contact_without_company(self, i: int, used_emails: set[str]) -> dict:
        rng = self.rng
        name, domain = cat.LEAD_ONLY_COMPANIES[i % len(cat.LEAD_ONLY_COMPANIES)]
        female = rng.random() < 0.45
        first = rng.choice(cat.FIRST_NAMES_F if female else cat.FIRST_NAMES_M)
        last = rng.choice(cat.LAST_NAMES)
        city, plz, area, digits = rng.choice(cat.CITIES)
        email = f"{ascii_slug(first)}.{ascii_slug(last)}@{domain}"
        n = 2
        while email in used_emails:
            email = f"{ascii_slug(first)}.{ascii_slug(last)}{n}@{domain}"
            n += 1
        return {
            "company": None,
            "person": None,
            "extra_person": None,
            "company_name": name,
            "salutation": "Frau" if female else "Herr",
            "first_name": first,
            "last_name": last,
            "function": rng.choice(cat.FUNCTIONS),
            "email": email,
            "phone": german_phone(rng, area, digits) if rng.random() < 0.8 else "",
            "street": f"{rng.choice(cat.STREETS)} {rng.randint(1, 120)}",
            "postal_code": plz,
            "city": city,
            "website": f"https://www.{domain}",
        }

    def _story(self, final: str) -> dict:
        rng = self.rng
        source = rng.choice(list(self.lists.sources))
        campaign = None
        roll = rng.random()
        if roll < 0.2:
            campaign, source = "Intersolar 2026", "Messe"
        elif roll < 0.32:
            campaign, source = "Webinar Energiemanagement", "Webseite"
        elif roll < 0.4:
            campaign, source = "E-world energy & water 2026", "Messe"
        good = final in ("Qualifiziert", "Konvertiert", "Geschlossen")
        interests = self.lists.interests
        story = {
            "source": source,
            "campaign": campaign,
            "type": rng.choice(self.lists.types) if self.lists.types else None,
            "interests": rng.sample(interests, k=min(len(interests), rng.randint(1, 3))),
            "days_ago": rng.randint(2, 150),
            "hour": rng.randint(8, 17),
            "owner": rng.choice(self.reps),
            "ratings": self._ratings(good, final == "Disqualifiziert"),
            "follow_up_offset": rng.randint(-21, 28) if rng.random() < 0.75 else None,
            "appointment_offset": rng.randint(-10, 21) if rng.random() < 0.25 else None,
            "appointment_hour": rng.choice([9, 10, 11, 13, 14, 15, 16]),
            "send_info_material": rng.random() < 0.4,
            "request_opt_in": rng.random() < 0.3,
            "arrange_appointment": rng.random() < 0.3,
            "notes": rng.choice(cat.LEAD_NOTES),
            "step_days": [rng.randint(1, 9) for _ in range(5)],
            "activity": rng.choice([None, None, ActivityKind.CALL, ActivityKind.NOTE]),
            "amount": Decimal(rng.randrange(18_000, 480_000, 500)),
            "opportunity_kind": rng.choice([OpportunityKind.INQUIRY, OpportunityKind.OFFER]),
        }
        story["opportunity_status"] = opportunity_status(story["days_ago"])
        story["touched_days_ago"] = rng.randint(0, 34)  # > 30: the lead went stale
        if final == "Offen" and rng.random() < 0.25:
            # fresh web inquiries nobody has picked up yet ("ohne Zuständigkeit")
            story.update(owner=None, follow_up_offset=None)
        return story

    def _ratings(self, good: bool, bad: bool) -> dict[int, int]:
        ratings = {}
        for criterion in self.lists.criteria:
            options = sorted(criterion.options.all(), key=lambda o: -o.points)
            if criterion.uses_source or not options:
                continue
            if self.rng.random() < 0.1 and not good:
                continue  # not rated yet
            half = max(1, len(options) // 2)
            pool = options[:half] if good else options[half:] if bad else options
            ratings[criterion.pk] = self.rng.choice(pool).pk
        return ratings


def status_timeline(plan: dict, statuses: dict, now: dt.datetime) -> list[tuple]:
    """(from, to, when) of each step of the lead's path, the first one at its creation."""
    path = [statuses[name] for name in STATUS_PATHS[plan["final"]]]
    changes, at = [], plan["created_at"]
    for step, status in enumerate(path):
        if step:
            at = min(at + dt.timedelta(days=plan["step_days"][step - 1]), now)
        changes.append((path[step - 1] if step else None, status, at))
    return changes
