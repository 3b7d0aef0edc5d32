"""Builds the demo data set of `setup_demo` (deterministic, idempotent).

The whole data set is first *planned* with `random.Random(42)` (independent of what is in
the database), then only the rows whose natural key is missing are written: companies by
name, persons and leads by e-mail, campaigns by slug, selections by owner and name. A
second run therefore finds everything and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

import phonenumbers
from django.contrib.contenttypes.models import ContentType
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from activities.models import Activity, ActivityKind, ActivityStatus, MailState
from boards.models import Selection, SelectionKind, SelectionTarget
from contacts.models import Category, Company, LeadStatus, Person, Phase, Salutation
from demo import catalog as cat
from leads.models import (
    Campaign,
    CaptureChannel,
    ConsentAction,
    ConsentRecord,
    Interest,
    Lead,
    LeadContact,
    LeadRating,
    LeadSource,
    LeadStatusChange,
    LeadType,
    Opportunity,
    OpportunityKind,
    ScoringCriterion,
)
from notifications.models import Kind, Notification, Priority

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


def _lead_url(pk: int) -> str:
    for name in ("leads:detail", "leads:mask", "leads:edit", "leads:update"):
        try:
            return reverse(name, args=[pk])
        except NoReverseMatch:
            continue
    return ""


@dataclass
class Stats:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, key: str, n: int) -> None:
        if n:
            self.created[key] = self.created.get(key, 0) + n


class DemoBuilder:
    def __init__(self, users: dict[str, object], *, today: dt.date | None = None):
        self.rng = random.Random(42)  # noqa: S311 - demo data, not security
        self.users = users
        self.now = timezone.now().replace(second=0, microsecond=0)
        self.today = today or timezone.localdate()
        self.stats = Stats()
        self.reps = [users["vertrieb"], users["vertrieb2"], users["leitung"]]

    # -- lists ---------------------------------------------------------------------------

    def _load_lists(self) -> None:
        self.statuses = {s.name: s for s in LeadStatus.objects.all()}
        by_phase: dict[str, LeadStatus] = {}
        for s in sorted(self.statuses.values(), key=lambda s: s.rank):
            by_phase.setdefault(s.phase, s)
        # an admin may have renamed a default status: fall back to its phase
        for name, phase in NAME_PHASE.items():
            if name not in self.statuses and phase in by_phase:
                self.statuses[name] = by_phase[phase]
        self.sources = {s.name: s for s in LeadSource.objects.order_by("rank")}
        self.types = list(LeadType.objects.order_by("rank"))
        self.interests = list(Interest.objects.order_by("rank"))
        self.categories = {c.name: c for c in Category.objects.select_related("group")}
        self.criteria = list(ScoringCriterion.objects.active().prefetch_related("options"))

    def run(self) -> dict[str, int]:
        self._load_lists()
        self.campaigns = self._campaigns()
        self.companies = self._companies()
        self.persons_by_company = self._persons()
        self._leads()
        self._selections()
        return self.stats.created

    # -- campaigns -----------------------------------------------------------------------

    def _campaigns(self) -> dict[str, Campaign]:
        year = self.today.year
        result = {}
        for name, slug, start, end, source, web_form in cat.CAMPAIGNS:
            campaign, created = Campaign.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "start_date": dt.date(year, *start),
                    "end_date": dt.date(year, *end),
                    "default_source": self.sources.get(source),
                    "web_form_enabled": web_form,
                    "consent_text": cat.CONSENT_TEXT if web_form else "",
                    "consent_version": "2026-01" if web_form else "",
                    "description": f"Demo-Kampagne „{name}“.",
                },
            )
            self.stats.add("Kampagnen", int(created))
            result[name] = campaign
        return result

    # -- companies and persons -----------------------------------------------------------

    def _companies(self) -> list[Company]:
        rng = self.rng
        planned = []
        for i, (name, industry, category, domain) in enumerate(cat.COMPANIES):
            city, plz, area, digits = cat.CITIES[i % len(cat.CITIES)]
            planned.append(
                Company(
                    name=name,
                    industry=industry,
                    category=self.categories.get(category),
                    street=f"{rng.choice(cat.STREETS)} {rng.randint(1, 180)}",
                    postal_code=plz,
                    city=city,
                    country="DE",
                    phone=german_phone(rng, area, digits),
                    email=f"info@{domain}",
                    website=f"https://www.{domain}",
                    owner=rng.choice(self.reps),
                )
            )
        existing = {c.name: c for c in Company.objects.filter(name__in=[c.name for c in planned])}
        missing = [c for c in planned if c.name not in existing]
        if missing:
            bulk_create_with_history(missing, Company, default_user=self.users["admin"])
            self.stats.add("Firmen", len(missing))
        existing = {c.name: c for c in Company.objects.filter(name__in=[c.name for c in planned])}
        return [existing[c.name] for c in planned]

    def _persons(self) -> dict[int, list[Person]]:
        rng = self.rng
        planned: list[Person] = []
        used_emails: set[str] = set()
        prospect_statuses = ["Offen", "Offen", "Kontaktaufnahme", "Kontaktiert", "Qualifiziert"]
        for i, company in enumerate(self.companies):
            domain = cat.COMPANIES[i][3]
            city = cat.CITIES[i % len(cat.CITIES)]
            for _ in range(2 if i % 3 else 3):  # 25 companies -> 59 persons
                female = rng.random() < 0.45
                first = rng.choice(cat.FIRST_NAMES_F if female else cat.FIRST_NAMES_M)
                last = rng.choice(cat.LAST_NAMES)
                email = f"{ascii_slug(first)}.{ascii_slug(last)}@{domain}"
                if email in used_emails:
                    email = f"{ascii_slug(first[0])}.{ascii_slug(last)}@{domain}"
                used_emails.add(email)
                uses_status = bool(company.category and company.category.uses_lead_status)
                status_name = rng.choice(prospect_statuses)
                planned.append(
                    Person(
                        company=company,
                        salutation=Salutation.MS if female else Salutation.MR,
                        title="Dr." if rng.random() < 0.12 else "",
                        first_name=first,
                        last_name=last,
                        function=rng.choice(cat.FUNCTIONS),
                        email=email,
                        phone=german_phone(rng, city[2], city[3]),
                        mobile=german_mobile(rng) if rng.random() < 0.6 else "",
                        owner=company.owner,
                        lead_status=self.statuses[status_name] if uses_status else None,
                        lead_status_changed_at=(
                            self.now - dt.timedelta(days=rng.randint(1, 90))
                            if uses_status
                            else None
                        ),
                    )
                )
        emails = [p.email for p in planned]
        existing = set(Person.objects.filter(email__in=emails).values_list("email", flat=True))
        missing = [p for p in planned if p.email not in existing]
        if missing:
            bulk_create_with_history(missing, Person, default_user=self.users["admin"])
            self.stats.add("Personen", len(missing))
        by_email = {p.email: p for p in Person.objects.filter(email__in=emails)}
        result: dict[int, list[Person]] = {}
        for p in planned:
            result.setdefault(p.company_id, []).append(by_email[p.email])
        return result

    # -- leads ---------------------------------------------------------------------------

    def _plan_leads(self) -> list[dict]:
        rng = self.rng
        finals = [name for name, n in STATUS_MIX.items() for _ in range(n)]
        rng.shuffle(finals)
        linkable = [c for c in self.companies if c.category and c.category.group.kind != "supplier"]
        free_persons = {c.pk: list(self.persons_by_company.get(c.pk, [])) for c in linkable}
        lead_only = list(cat.LEAD_ONLY_COMPANIES)
        source_names = list(self.sources)
        plans = []
        used_emails: set[str] = set()
        for i, final in enumerate(finals):
            plan: dict = {"final": final, "index": i}
            company = None
            if final == "Konvertiert" or rng.random() < 0.3:
                candidates = [c for c in linkable if free_persons[c.pk]]
                company = rng.choice(candidates) if candidates else None
            if company is not None:
                person = free_persons[company.pk].pop(0)
                plan.update(
                    company=company,
                    person=person,
                    company_name=company.name,
                    salutation=person.salutation,
                    first_name=person.first_name,
                    last_name=person.last_name,
                    function=person.function,
                    email=person.email,
                    phone=str(person.phone or ""),
                    street=company.street,
                    postal_code=company.postal_code,
                    city=company.city,
                    website=company.website,
                    extra_person=next(
                        (p for p in self.persons_by_company[company.pk] if p.pk != person.pk), None
                    )
                    if rng.random() < 0.4
                    else None,
                )
            else:
                name, domain = lead_only[i % len(lead_only)]
                female = rng.random() < 0.45
                first = rng.choice(cat.FIRST_NAMES_F if female else cat.FIRST_NAMES_M)
                last = rng.choice(cat.LAST_NAMES)
                city, plz, area, digits = rng.choice(cat.CITIES)
                email = f"{ascii_slug(first)}.{ascii_slug(last)}@{domain}"
                n = 2
                while email in used_emails:
                    email = f"{ascii_slug(first)}.{ascii_slug(last)}{n}@{domain}"
                    n += 1
                plan.update(
                    company=None,
                    person=None,
                    extra_person=None,
                    company_name=name,
                    salutation="Frau" if female else "Herr",
                    first_name=first,
                    last_name=last,
                    function=rng.choice(cat.FUNCTIONS),
                    email=email,
                    phone=german_phone(rng, area, digits) if rng.random() < 0.8 else "",
                    street=f"{rng.choice(cat.STREETS)} {rng.randint(1, 120)}",
                    postal_code=plz,
                    city=city,
                    website=f"https://www.{domain}",
                )
            used_emails.add(plan["email"])
            source = rng.choice(source_names)
            campaign = None
            roll = rng.random()
            if roll < 0.2:
                campaign, source = "Intersolar 2026", "Messe"
            elif roll < 0.32:
                campaign, source = "Webinar Energiemanagement", "Webseite"
            elif roll < 0.4:
                campaign, source = "E-world energy & water 2026", "Messe"
            good = final in ("Qualifiziert", "Konvertiert", "Geschlossen")
            plan.update(
                source=source,
                campaign=campaign,
                type=rng.choice(self.types) if self.types else None,
                interests=rng.sample(self.interests, k=min(len(self.interests), rng.randint(1, 3))),
                days_ago=rng.randint(2, 150),
                hour=rng.randint(8, 17),
                owner=rng.choice(self.reps),
                ratings=self._plan_ratings(good, final == "Disqualifiziert"),
                follow_up_offset=rng.randint(-21, 28) if rng.random() < 0.75 else None,
                appointment_offset=rng.randint(-10, 21) if rng.random() < 0.25 else None,
                appointment_hour=rng.choice([9, 10, 11, 13, 14, 15, 16]),
                send_info_material=rng.random() < 0.4,
                request_opt_in=rng.random() < 0.3,
                arrange_appointment=rng.random() < 0.3,
                notes=rng.choice(cat.LEAD_NOTES),
                step_days=[rng.randint(1, 9) for _ in range(5)],
                activity=rng.choice([None, None, ActivityKind.CALL, ActivityKind.NOTE]),
                amount=Decimal(rng.randrange(18_000, 480_000, 500)),
                opportunity_kind=rng.choice([OpportunityKind.INQUIRY, OpportunityKind.OFFER]),
            )
            plan["touched_days_ago"] = rng.randint(0, 34)  # > 30: the lead went stale
            if final == "Offen" and rng.random() < 0.25:
                # fresh web inquiries nobody has picked up yet ("ohne Zuständigkeit")
                plan.update(owner=None, follow_up_offset=None)
            plans.append(plan)
        return plans

    def _plan_ratings(self, good: bool, bad: bool) -> dict[int, int]:
        ratings = {}
        for criterion in self.criteria:
            options = sorted(criterion.options.all(), key=lambda o: -o.points)
            if criterion.uses_source or not options:
                continue
            if self.rng.random() < 0.1 and not good:
                continue  # not rated yet
            half = max(1, len(options) // 2)
            pool = options[:half] if good else options[half:] if bad else options
            ratings[criterion.pk] = self.rng.choice(pool).pk
        return ratings

    def _score(self, lead: Lead, ratings: dict[int, int]) -> tuple[int, list]:
        try:
            from leads.services.scoring import lead_compute_score
        except ImportError:
            lead_compute_score = None
        if lead_compute_score is not None:
            return lead_compute_score(lead, ratings=ratings, criteria=self.criteria)
        total = weighted = 0
        for criterion in self.criteria:
            options = list(criterion.options.all())
            if criterion.uses_source:
                option = next((o for o in options if o.source_id == lead.source_id), None)
            else:
                option = next((o for o in options if o.pk == ratings.get(criterion.pk)), None)
            total += criterion.weight
            weighted += criterion.weight * (option.points if option else 0)
        return (round(weighted / total) if total else 0), []

    def _leads(self) -> None:
        from leads.services.numbering import next_lead_number

        plans = self._plan_leads()
        existing = set(
            Lead.objects.filter(email__in=[p["email"] for p in plans]).values_list(
                "email", flat=True
            )
        )
        plans = [p for p in plans if p["email"] not in existing]
        if not plans:
            return
        leads = []
        for plan in plans:
            plan["number"] = next_lead_number()
            leads.append(self._build_lead(plan, plan["number"]))
        bulk_create_with_history(leads, Lead, default_user=self.users["admin"])
        by_number = {
            lead.number: lead
            for lead in Lead.objects.select_related("status", "source", "campaign").filter(
                number__in=[p["number"] for p in plans]
            )
        }
        leads = []
        for plan in plans:
            lead = plan["lead"] = by_number[plan["number"]]
            # auto_now(_add) stamped "now": date them back (bulk_update skips auto_now)
            lead.created_at = plan["created_at"]
            lead.updated_at = lead.last_activity_at
            leads.append(lead)
        Lead.objects.bulk_update(leads, ["created_at", "updated_at"])
        self.stats.add("Leads", len(leads))
        self._lead_rows(plans)
        try:
            from leads.jobs.stale import stale_leads_flag
        except ImportError:
            return
        stale_leads_flag()  # what the nightly job would have flagged by now

    def _build_lead(self, plan: dict, number: str) -> Lead:
        created_at = (self.now - dt.timedelta(days=plan["days_ago"])).replace(hour=plan["hour"])
        path = [self.statuses[name] for name in STATUS_PATHS[plan["final"]]]
        changes, at = [], created_at
        for step, status in enumerate(path):
            if step:
                at = min(at + dt.timedelta(days=plan["step_days"][step - 1]), self.now)
            changes.append((path[step - 1] if step else None, status, at))
        plan.update(created_at=created_at, changes=changes)
        final = path[-1]
        lead = Lead(
            number=number,
            company_name=plan["company_name"],
            salutation=plan["salutation"],
            first_name=plan["first_name"],
            last_name=plan["last_name"],
            function=plan["function"],
            email=plan["email"],
            phone=plan["phone"],
            street=plan["street"],
            postal_code=plan["postal_code"],
            city=plan["city"],
            country="DE",
            website=plan["website"],
            status=final,
            status_changed_at=changes[-1][2],
            closed_at=changes[-1][2] if final.is_terminal else None,
            source=self.sources.get(plan["source"]),
            type=plan["type"],
            campaign=self.campaigns.get(plan["campaign"]) if plan["campaign"] else None,
            capture_channel=CHANNEL_OF_SOURCE.get(plan["source"], CaptureChannel.MANUAL),
            follow_up_by=plan["owner"],
            customer=plan["company"],
            send_info_material=plan["send_info_material"],
            request_opt_in=plan["request_opt_in"],
            arrange_appointment=plan["arrange_appointment"],
            notes=plan["notes"],
            created_by=(
                self.users["marketing"]
                if plan["campaign"] or plan["owner"] is None
                else plan["owner"]
            ),
            updated_by=plan["owner"],
            last_activity_at=changes[-1][2],
        )
        if not final.is_terminal:
            touched = self.now - dt.timedelta(days=plan["touched_days_ago"], hours=3)
            lead.last_activity_at = max(changes[-1][2], min(touched, self.now))
        if plan["campaign"] == "Webinar Energiemanagement":
            lead.utm_source, lead.utm_medium = "newsletter", "email"
            lead.utm_campaign = "webinar-energiemanagement"
        if not final.is_terminal and plan["follow_up_offset"] is not None:
            lead.follow_up_until = self.today + dt.timedelta(days=plan["follow_up_offset"])
        if (
            final.phase in (Phase.WORKING, Phase.QUALIFIED)
            and plan["appointment_offset"] is not None
        ):
            start = timezone.make_aware(
                dt.datetime.combine(
                    self.today + dt.timedelta(days=plan["appointment_offset"]),
                    dt.time(plan["appointment_hour"]),
                )
            )
            lead.planned_start, lead.planned_end = start, start + dt.timedelta(hours=1)
            lead.appointment_with = plan["owner"]
        if final.phase == Phase.CONVERTED:
            lead.converted_at, lead.converted_by = changes[-1][2], plan["owner"]
        lead.score, lead.score_breakdown = self._score(lead, plan["ratings"])
        return lead

    def _lead_rows(self, plans: list[dict]) -> None:
        ratings, changes, contacts, interests, opportunities, consents = [], [], [], [], [], []
        for plan in plans:
            lead = plan["lead"]
            for criterion_id, option_id in plan["ratings"].items():
                ratings.append(
                    LeadRating(lead=lead, criterion_id=criterion_id, option_id=option_id)
                )
            for from_status, to_status, at in plan["changes"]:
                changes.append(
                    LeadStatusChange(
                        lead=lead,
                        from_status=from_status,
                        to_status=to_status,
                        changed_at=at,
                        changed_by=plan["owner"],
                    )
                )
            if plan["person"] is not None:
                contacts.append(LeadContact(lead=lead, person=plan["person"], is_main=True))
                if plan["extra_person"] is not None:
                    contacts.append(LeadContact(lead=lead, person=plan["extra_person"]))
            interests += [
                Lead.interests.through(lead_id=lead.pk, interest_id=i.pk) for i in plan["interests"]
            ]
            if lead.status.phase == Phase.CONVERTED and plan["company"] is not None:
                topic = plan["interests"][0].name if plan["interests"] else "Energielösung"
                opportunities.append(
                    Opportunity(
                        kind=plan["opportunity_kind"],
                        title=f"{topic} für {plan['company'].name}",
                        company=plan["company"],
                        person=plan["person"],
                        lead=lead,
                        amount=plan["amount"],
                        expected_close=self.today + dt.timedelta(days=30 + plan["days_ago"] % 60),
                        owner=plan["owner"],
                        created_by=plan["owner"],
                    )
                )
            if lead.campaign and lead.campaign.web_form_enabled:
                consents.append(
                    ConsentRecord(
                        lead=lead,
                        action=ConsentAction.CONFIRMED,
                        email=lead.email,
                        text=lead.campaign.consent_text,
                        text_version=lead.campaign.consent_version,
                        ip_address="203.0.113.10",
                        user_agent="Mozilla/5.0 (Demo)",
                    )
                )
        LeadRating.objects.bulk_create(ratings)
        LeadStatusChange.objects.bulk_create(changes)
        LeadContact.objects.bulk_create(contacts)
        Lead.interests.through.objects.bulk_create(interests)
        Opportunity.objects.bulk_create(opportunities)
        ConsentRecord.objects.bulk_create(consents)
        self.stats.add("Bewertungen", len(ratings))
        self.stats.add("Statuswechsel", len(changes))
        self.stats.add("Verkaufschancen", len(opportunities))
        self._activities(plans)
        self._notifications(plans)

    def _activities(self, plans: list[dict]) -> None:
        created = 0
        links = []
        appointments: list[tuple[Lead, Activity]] = []
        for plan in plans:
            lead = plan["lead"]
            if lead.planned_start and lead.appointment_with_id:
                activity = Activity.objects.create(
                    kind=ActivityKind.APPOINTMENT,
                    subject=f"Termin: {lead.company_name}",
                    body=lead.notes,
                    start=lead.planned_start,
                    end=lead.planned_end,
                    status=ActivityStatus.DONE
                    if lead.planned_start < self.now
                    else ActivityStatus.OPEN,
                    done_at=lead.planned_end if lead.planned_start < self.now else None,
                    delegated_by=plan["owner"],
                    delegated_to=lead.appointment_with,
                    person=plan["person"],
                    company=plan["company"],
                    created_by=plan["owner"],
                )
                lead.appointment = activity
                appointments.append((lead, activity))
                links.append(Lead.activities.through(lead_id=lead.pk, activity_id=activity.pk))
                created += 1
            if plan["activity"] and lead.status.phase != Phase.OPEN:
                at = plan["changes"][-1][2]
                subject = (
                    f"Telefonat mit {lead.contact_name}"
                    if plan["activity"] == ActivityKind.CALL
                    else f"Notiz zu {lead.company_name}"
                )
                activity = Activity.objects.create(
                    kind=plan["activity"],
                    subject=subject,
                    body=lead.notes or "Bedarf besprochen, Unterlagen folgen.",
                    start=at,
                    end=at + dt.timedelta(minutes=20),
                    status=ActivityStatus.DONE,
                    done_at=at,
                    delegated_to=plan["owner"],
                    person=plan["person"],
                    company=plan["company"],
                    created_by=plan["owner"],
                )
                links.append(Lead.activities.through(lead_id=lead.pk, activity_id=activity.pk))
                created += 1
            if lead.send_info_material and lead.status.phase == Phase.QUALIFIED and lead.email:
                sent_at = plan["changes"][-1][2]
                activity = Activity.objects.create(
                    kind=ActivityKind.EMAIL_OUT,
                    subject="Ihre Informationen aus unserem Gespräch",
                    body="Guten Tag,\n\nanbei erhalten Sie unser Informationsmaterial.",
                    start=sent_at,
                    status=ActivityStatus.DONE,
                    done_at=sent_at,
                    mail_to=lead.email,
                    mail_state=MailState.SENT,
                    sent_at=sent_at,
                    delegated_to=plan["owner"],
                    person=plan["person"],
                    company=plan["company"],
                    created_by=plan["owner"],
                )
                links.append(Lead.activities.through(lead_id=lead.pk, activity_id=activity.pk))
                created += 1
        Lead.activities.through.objects.bulk_create(links)
        Lead.objects.bulk_update([lead for lead, _ in appointments], ["appointment"])
        self.stats.add("Aktivitäten", created)

    def _notifications(self, plans: list[dict]) -> None:
        lead_type = ContentType.objects.get_for_model(Lead)
        items = []
        for plan in plans:
            lead = plan["lead"]
            if lead.follow_up_overdue(self.today):
                name = plan["company"].name if plan["company"] else lead.company_name
                items.append(
                    Notification(
                        recipient=plan["owner"],
                        kind=Kind.FOLLOW_UP_OVERDUE,
                        priority=Priority.A,
                        title=f"Nachbetreuung überfällig: {name}",
                        text=f"Lead {lead.number}: Nachbetreuung bis "
                        f"{lead.follow_up_until:%d.%m.%Y}.",
                        content_type=lead_type,
                        object_id=lead.pk,
                        url=_lead_url(lead.pk),
                        dedupe_key=f"demo:overdue:{lead.number}",
                        # older reminders have been seen already
                        read_at=self.now if (self.today - lead.follow_up_until).days > 7 else None,
                    )
                )
                items[-1]._demo_created_at = min(
                    self.now,
                    timezone.make_aware(
                        dt.datetime.combine(
                            lead.follow_up_until + dt.timedelta(days=1), dt.time(7, 0)
                        )
                    ),
                )
            elif lead.appointment_id and lead.planned_start and lead.planned_start > self.now:
                items.append(
                    Notification(
                        recipient=plan["owner"],
                        kind=Kind.APPOINTMENT_CREATED,
                        priority=Priority.A,
                        title=f"Neuer Termin: {lead.company_name}",
                        text=f"{lead.planned_start:%d.%m.%Y}, "
                        f"{timezone.localtime(lead.planned_start):%H:%M} Uhr",
                        content_type=lead_type,
                        object_id=lead.pk,
                        url=_lead_url(lead.pk),
                        dedupe_key=f"demo:appointment:{lead.number}",
                    )
                )
                items[-1]._demo_created_at = plan["changes"][-1][2]
            elif plan["owner"] and plan["days_ago"] < 10 and lead.status.phase == Phase.OPEN:
                items.append(
                    Notification(
                        recipient=plan["owner"],
                        kind=Kind.LEAD_ASSIGNED,
                        priority=Priority.B,
                        title=f"Lead zugewiesen: {lead.company_name}",
                        text=f"Lead {lead.number} aus „{lead.source or '—'}“.",
                        content_type=lead_type,
                        object_id=lead.pk,
                        url=_lead_url(lead.pk),
                        dedupe_key=f"demo:assigned:{lead.number}",
                        read_at=self.now if plan["index"] % 2 else None,
                    )
                )
                items[-1]._demo_created_at = plan["created_at"]
        Notification.objects.bulk_create(items, ignore_conflicts=True)
        # created_at is auto_now_add: date the rows back to when they would have been sent
        when = {n.dedupe_key: n._demo_created_at for n in items}
        stored = list(Notification.objects.filter(dedupe_key__in=when))
        for notification in stored:
            notification.created_at = when[notification.dedupe_key]
        Notification.objects.bulk_update(stored, ["created_at"])
        self.stats.add("Benachrichtigungen", len(items))

    # -- selections ----------------------------------------------------------------------

    def _selections(self) -> None:
        intersolar = self.campaigns.get("Intersolar 2026")
        selection, created = Selection.objects.get_or_create(
            owner=self.users["leitung"],
            name="Intersolar 2026 – Nachfassen",
            defaults={"target": SelectionTarget.LEAD, "kind": SelectionKind.STATIC, "shared": True},
        )
        if created:
            selection.leads.set(Lead.objects.filter(campaign=intersolar).open().order_by("number"))
            self.stats.add("Selektionen", 1)
        qualified = self.statuses["Qualifiziert"]
        _, created = Selection.objects.get_or_create(
            owner=self.users["vertrieb"],
            name="Qualifizierte Ansprechpartner",
            defaults={
                "target": SelectionTarget.PERSON,
                "kind": SelectionKind.DYNAMIC,
                "shared": True,
                "criteria": [{"field": "lead_status", "op": "in", "values": [qualified.pk]}],
            },
        )
        self.stats.add("Selektionen", int(created))
