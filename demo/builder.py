"""Builds the demo data set of `setup_demo` (deterministic, idempotent).

The whole data set is first *planned* with `random.Random(42)` (demo/plan.py, independent
of what is in the database), then only the rows whose natural key is missing are written:
companies by name, persons and leads by e-mail, campaigns by slug, selections by owner
and name. A second run therefore finds everything and writes nothing.

Every business write goes through the service a user's action goes through (contacts,
leads, conversion, activities, notifications, selections), so the demo data obey the same
rules – numbering, scores, history, status changes, appointments – as data entered by
hand. What a service cannot know is *when* it happened: the story is spread over the last
months by moving the services' "now" stamps back afterwards, in one marked update per
table (demo/leads.py `backdate_leads`, demo/activities.py).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.utils import timezone

from activities.models import Activity
from boards.models import Selection, SelectionKind, SelectionTarget
from boards.selections import selection_create
from contacts.models import Category, Company, LeadStatus, Person
from demo import plan as planning
from demo.activities import fill_bells, log_activities
from demo.contacts import ensure_campaigns, ensure_companies, ensure_persons
from demo.leads import LeadWriter, backdate_leads, record_consents
from demo.sequences import ensure_demo_sequence
from demo.sla import ensure_sla
from leads.jobs.stale import stale_leads_flag
from leads.models import (
    Campaign,
    Interest,
    Lead,
    LeadRating,
    LeadSource,
    LeadStatusChange,
    LeadType,
    ScoringCriterion,
)
from notifications.models import Notification
from opportunities.models import Opportunity

# what the summary line of setup_demo counts (rows the run added, whoever wrote them)
COUNTED = {
    "Kampagnen": Campaign,
    "Firmen": Company,
    "Personen": Person,
    "Leads": Lead,
    "Bewertungen": LeadRating,
    "Statuswechsel": LeadStatusChange,
    "Verkaufschancen": Opportunity,
    "Aktivitäten": Activity,
    "Benachrichtigungen": Notification,
    "Selektionen": Selection,
}


@dataclass
class Lists:
    """The default lists the plan draws from (loaded once)."""

    statuses: dict[str, LeadStatus]
    sources: dict[str, LeadSource]
    types: list[LeadType]
    interests: list[Interest]
    categories: dict[str, Category]
    criteria: list[ScoringCriterion]

    @classmethod
    def load(cls) -> Lists:
        statuses = {s.name: s for s in LeadStatus.objects.all()}
        by_phase: dict[str, LeadStatus] = {}
        for status in sorted(statuses.values(), key=lambda s: s.rank):
            by_phase.setdefault(status.phase, status)
        # an admin may have renamed a default status: fall back to its phase
        for name, phase in planning.NAME_PHASE.items():
            if name not in statuses and phase in by_phase:
                statuses[name] = by_phase[phase]
        return cls(
            statuses=statuses,
            sources={s.name: s for s in LeadSource.objects.order_by("rank")},
            types=list(LeadType.objects.order_by("rank")),
            interests=list(Interest.objects.order_by("rank")),
            categories={c.name: c for c in Category.objects.select_related("group")},
            criteria=list(ScoringCriterion.objects.active().prefetch_related("options")),
        )


class DemoBuilder:
    def __init__(self, users: dict, *, today: dt.date | None = None):
        self.rng = random.Random(42)  # noqa: S311 - demo data, not security
        self.users = users
        self.now = timezone.now().replace(second=0, microsecond=0)
        self.today = today or timezone.localdate()
        self.reps = [users["vertrieb"], users["vertrieb2"], users["leitung"]]

    def run(self) -> dict[str, int]:
        """Write what is missing; returns the number of new rows per kind (empty: none)."""
        before = {label: model.objects.count() for label, model in COUNTED.items()}
        lists = Lists.load()
        campaigns = ensure_campaigns(today=self.today, sources=lists.sources)
        companies = ensure_companies(
            planning.plan_companies(self.rng, categories=lists.categories, reps=self.reps),
            user=self.users["admin"],
        )
        persons = ensure_persons(
            planning.plan_persons(self.rng, companies), statuses=lists.statuses, now=self.now
        )
        planner = planning.LeadPlanner(
            self.rng, lists=lists, companies=companies, persons_by_company=persons, reps=self.reps
        )
        self._leads(planner.plan(), lists, campaigns)
        self._selections(lists, campaigns)
        ensure_sla(now=self.now)
        ensure_demo_sequence(users=self.users)
        counts = {label: model.objects.count() - before[label] for label, model in COUNTED.items()}
        return {label: n for label, n in counts.items() if n}

    def _leads(self, plans: list[dict], lists: Lists, campaigns: dict) -> None:
        writer = LeadWriter(lists=lists, campaigns=campaigns, users=self.users, now=self.now)
        plans = writer.missing(plans)
        if not plans:
            return
        writer.create(plans)
        record_consents(plans)
        log_activities(plans, now=self.now)
        writer.walk(plans)
        backdate_leads(plans, now=self.now)
        fill_bells(plans, now=self.now, today=self.today, manager=self.users["leitung"])
        stale_leads_flag()  # what the nightly job would have flagged by now

    def _selections(self, lists: Lists, campaigns: dict) -> None:
        if not Selection.objects.filter(
            owner=self.users["leitung"], name="Intersolar 2026 – Nachfassen"
        ).exists():
            # Lead selections have no service: boards.selections creates person and
            # company selections only and lists lead selections made here.
            selection = Selection.objects.create(
                owner=self.users["leitung"],
                name="Intersolar 2026 – Nachfassen",
                target=SelectionTarget.LEAD,
                kind=SelectionKind.STATIC,
                shared=True,
            )
            intersolar = campaigns.get("Intersolar 2026")
            selection.leads.set(Lead.objects.filter(campaign=intersolar).open().order_by("number"))
        name = "Qualifizierte Ansprechpartner"
        if not Selection.objects.filter(owner=self.users["vertrieb"], name=name).exists():
            selection_create(
                user=self.users["vertrieb"],
                name=name,
                target=SelectionTarget.PERSON,
                kind=SelectionKind.DYNAMIC,
                criteria=[
                    {
                        "field": "person.lead_status",
                        "op": "in",
                        "values": [str(lists.statuses["Qualifiziert"].pk)],
                    }
                ],
                shared=True,
            )
