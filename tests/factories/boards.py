"""Factories of the boards app: selections."""

import datetime as dt
import random

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from boards.models import Selection, SelectionKind, SelectionTarget
from contacts.models import TERMINAL_PHASES
from leads.models import Lead, LeadStatusChange
from tests.factories.accounts import UserFactory
from tests.factories.base import lead_type, source, status
from tests.factories.leads import CampaignFactory, LeadFactory


class SelectionFactory(DjangoModelFactory):
    class Meta:
        model = Selection

    name = factory.Sequence(lambda n: f"Meine Selektion {n}")
    owner = factory.SubFactory(UserFactory)
    shared = False
    target = SelectionTarget.LEAD
    kind = SelectionKind.DYNAMIC
    criteria = factory.LazyFunction(list)


# --- Data sets for the board and dashboard tests.

DAY = dt.timedelta(days=1)


def history(lead: Lead, steps: list[tuple[str, dt.datetime]]) -> None:
    """Write the status history `steps` [(status name, when)] for `lead`."""
    previous = None
    for name, when in steps:
        target = status(name)
        LeadStatusChange.objects.create(
            lead=lead, from_status=previous, to_status=target, changed_at=when
        )
        previous = target


def _months_ago(today: dt.date, months: int) -> dt.datetime:
    year, month = today.year, today.month - months
    while month < 1:
        month += 12
        year -= 1
    return timezone.make_aware(dt.datetime(year, month, 10, 12, 0))


def known_dataset(*, owner, now: dt.datetime | None = None) -> dict[str, Lead]:
    """Six leads with a known history (T0 = now - 10 days).

    L1 Offen        Messe     MQL  score 10  owner, follow-up yesterday (overdue), old
    L2 Kontaktiert  Messe     SQL  score 30  owner, follow-up tomorrow, stale, old
    L3 Qualifiziert Webseite  SQL  score 60  no owner, old
    L4 Konvertiert  Webseite  –    score 80  closed this month
    L5 Disqualif.   –         MQL  score 90  closed two months ago, overdue date, stale
    L6 Konvertiert  Messe     –    score 76  closed seven months ago
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    t0 = now - 10 * DAY
    mql, sql = lead_type("MQL"), lead_type("SQL")
    messe, web = source("Messe"), source("Webseite")
    leads = {
        "L1": LeadFactory(
            status=status("Offen"),
            source=messe,
            type=mql,
            score=10,
            follow_up_by=owner,
            follow_up_until=today - DAY,
        ),
        "L2": LeadFactory(
            status=status("Kontaktiert"),
            source=messe,
            type=sql,
            score=30,
            follow_up_by=owner,
            follow_up_until=today + DAY,
            is_stale=True,
        ),
        "L3": LeadFactory(status=status("Qualifiziert"), source=web, type=sql, score=60),
        "L4": LeadFactory(
            status=status("Konvertiert"),
            source=web,
            score=80,
            follow_up_by=owner,
            closed_at=now,
        ),
        "L5": LeadFactory(
            status=status("Disqualifiziert"),
            source=None,
            type=mql,
            score=90,
            follow_up_by=owner,
            follow_up_until=today - 5 * DAY,
            is_stale=True,
            closed_at=_months_ago(today, 2),
        ),
        "L6": LeadFactory(
            status=status("Konvertiert"),
            source=messe,
            score=76,
            follow_up_by=owner,
            closed_at=_months_ago(today, 7),
        ),
    }
    Lead.objects.filter(pk__in=[leads[k].pk for k in ("L1", "L2", "L3")]).update(
        created_at=now - 30 * DAY
    )
    history(leads["L1"], [("Offen", t0)])
    history(leads["L2"], [("Offen", t0), ("Kontaktiert", t0 + 2 * DAY)])
    history(leads["L3"], [("Offen", t0), ("Kontaktiert", t0 + DAY), ("Qualifiziert", t0 + 4 * DAY)])
    history(
        leads["L4"], [("Offen", t0), ("Qualifiziert", t0 + 3 * DAY), ("Konvertiert", t0 + 5 * DAY)]
    )
    history(
        leads["L5"], [("Offen", t0), ("Kontaktiert", t0 + DAY), ("Disqualifiziert", t0 + 2 * DAY)]
    )
    history(leads["L6"], [("Offen", t0), ("Konvertiert", t0 + DAY)])
    return leads


COMPANIES = [
    "Sonnenstrom",
    "Windpark Nord",
    "Energiehaus Süd",
    "Batterietechnik Rhein",
    "Smart Living",
    "Solarbau Franken",
    "Netzwerk Energie",
    "Klimahaus Elbe",
    "Stadtwerke Auental",
    "Hofmann Maschinenbau",
    "Bäckerei Kraus",
    "Logistik Weber",
]
LEGAL = ["GmbH", "AG", "KG", "GmbH & Co. KG", "e.K."]
FLOW = ["Offen", "Kontaktaufnahme", "Kontaktiert", "Qualifiziert", "Konvertiert"]


def demo_dataset(*, users, size: int = 60, seed: int = 7) -> list[Lead]:
    """`size` leads spread over all statuses, sources, types, scores, owners and months,
    each with a plausible status history."""
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    sources = [source(n) for n in ("Messe", "Webseite", "Empfehlung", "Telefon", "Kampagne")]
    types = [lead_type(n) for n in ("MQL", "SQL", "PQL")]
    campaign = CampaignFactory(name="Frühjahrsmesse 2026")
    weights = {
        "Offen": 6,
        "Kontaktaufnahme": 4,
        "Kontaktiert": 4,
        "Qualifiziert": 3,
        "Erneut bearbeiten": 2,
        "Disqualifiziert": 2,
        "Geschlossen": 1,
        "Konvertiert": 3,
    }
    names = list(weights)
    leads = []
    for i in range(size):
        name = rng.choices(names, weights=[weights[n] for n in names])[0]
        target = status(name)
        age = rng.randint(0, 6) if i % 12 == 0 else rng.randint(0, 200)
        created = now - dt.timedelta(days=age, hours=rng.randint(0, 23))
        terminal = target.phase in TERMINAL_PHASES
        lead = LeadFactory(
            company_name=f"{rng.choice(COMPANIES)} {rng.choice(LEGAL)}",
            status=target,
            source=rng.choice(sources + [None]),
            type=rng.choice(types + [None]),
            score=rng.randint(0, 100),
            follow_up_by=rng.choice(list(users) + [None]),
            follow_up_until=today + dt.timedelta(days=rng.randint(-20, 30)) if i % 3 else None,
            campaign=campaign if i % 4 == 0 else None,
            is_stale=not terminal and i % 7 == 0,
            closed_at=min(created + dt.timedelta(days=rng.randint(1, 30)), now)
            if terminal
            else None,
        )
        Lead.objects.filter(pk=lead.pk).update(created_at=created)
        steps = [("Offen", created)]
        if name in FLOW:
            reached = FLOW[1 : FLOW.index(name) + 1]
        else:
            reached = FLOW[1 : rng.randint(1, 3)] + [name]
        when = created
        for step in reached:
            when = when + dt.timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 12))
            steps.append((step, min(when, now)))
        history(lead, steps)
        leads.append(lead)
    return leads
