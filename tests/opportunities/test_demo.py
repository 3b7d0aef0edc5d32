"""The demo data has opportunities in every status, with amounts, as a team would see them."""

from io import StringIO

import pytest
from django.core.management import call_command

from opportunities.models import CLOSED_STATUSES, Opportunity, OpportunityStatus

pytestmark = pytest.mark.django_db


def test_demo_opportunities_cover_every_status(settings):
    settings.DEBUG = True
    call_command("setup_demo", stdout=StringIO())
    rows = list(Opportunity.objects.all())
    assert {o.status for o in rows} == set(OpportunityStatus.values)
    assert all(o.amount and o.expected_close and o.lead_id for o in rows)
    for opportunity in rows:
        assert (opportunity.closed_at is not None) == (opportunity.status in CLOSED_STATUSES)
