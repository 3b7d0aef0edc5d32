import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from leads.models import Lead
from sla.models import SlaPolicy
from tests.factories import LeadFactory, source


@pytest.fixture
def web_policy(db):
    return SlaPolicy.objects.create(
        name="Webanfrage: 4 Arbeitsstunden",
        source=source("Webseite"),
        response_hours=Decimal("4"),
        priority=10,
    )


def make_lead(*, created_ago=dt.timedelta(hours=1), **fields) -> Lead:
    """A lead created `created_ago` before now, with SLA columns set directly."""
    columns = {
        k: fields.pop(k)
        for k in ("response_due_at", "first_response_at", "response_breached_at", "closed_at")
        if k in fields
    }
    lead = LeadFactory(**fields)
    Lead.objects.filter(pk=lead.pk).update(created_at=timezone.now() - created_ago, **columns)
    lead.refresh_from_db()
    return lead
