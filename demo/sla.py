"""Demo SLA: the policy "Webanfrage: 4 Arbeitsstunden" (source Webseite) and the response
figures of the demo leads, as the backfill would compute them."""

from __future__ import annotations

from decimal import Decimal

from leads.models import LeadSource
from sla.jobs import sla_backfill
from sla.models import SlaPolicy

POLICY = "Webanfrage: 4 Arbeitsstunden"


def ensure_sla(*, now) -> None:
    source = LeadSource.objects.filter(name="Webseite").first()
    SlaPolicy.objects.get_or_create(
        name=POLICY,
        defaults={"source": source, "response_hours": Decimal("4"), "priority": 10},
    )
    sla_backfill(now=now)
