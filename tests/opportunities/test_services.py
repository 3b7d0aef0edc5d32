"""Opportunity services: create, versioned update with a conflict that names the changes,
status transitions with closed_at, history with the acting user."""

from __future__ import annotations

from decimal import Decimal

import pytest

from opportunities.errors import ConflictError, OpportunityError
from opportunities.models import Opportunity, OpportunityKind, OpportunityStatus
from opportunities.services import opportunity_create, opportunity_set_status, opportunity_update
from tests.factories import CompanyFactory, OpportunityFactory, PersonFactory

pytestmark = pytest.mark.django_db

OPEN, WON, LOST = OpportunityStatus.OPEN, OpportunityStatus.WON, OpportunityStatus.LOST


def test_model_keeps_the_leads_table():
    # moved apps by state only: the rows stay where they were
    assert Opportunity._meta.db_table == "leads_opportunity"
    assert Opportunity.activities.through._meta.db_table == "leads_opportunity_activities"


def test_create_is_open_with_version_and_history(rep):
    company = CompanyFactory()
    person = PersonFactory(company=company)
    opportunity = opportunity_create(
        data={
            "kind": OpportunityKind.OFFER,
            "title": "  PV-Anlage Halle 3 ",
            "company": company,
            "person": person,
            "amount": Decimal("1234.50"),
        },
        user=rep,
    )
    assert opportunity.status == OPEN and opportunity.version == 1
    assert opportunity.title == "PV-Anlage Halle 3"
    assert opportunity.created_by == rep
    record = opportunity.history.get()
    assert record.history_type == "+" and record.history_user == rep


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "quote"}, "kind"),
        ({"title": "  "}, "title"),
        ({"amount": Decimal("-1")}, "amount"),
        ({"person": "other"}, "person"),
    ],
)
def test_create_refuses_invalid_data(rep, data, field):
    company = CompanyFactory()
    base = {"kind": OpportunityKind.INQUIRY, "title": "Anfrage", "company": company}
    if data.get("person") == "other":
        data = {"person": PersonFactory()}  # a person of another company
    with pytest.raises(OpportunityError) as caught:
        opportunity_create(data={**base, **data}, user=rep)
    assert caught.value.field == field
    assert not Opportunity.objects.exists()


def test_update_bumps_version_and_records_the_user(rep, teammate):
    opportunity = OpportunityFactory(owner=rep)
    saved = opportunity_update(
        opportunity=opportunity,
        data={"amount": Decimal("5000")},
        user=teammate,
        expected_version=opportunity.version,
    )
    assert saved.version == opportunity.version + 1
    assert saved.updated_by == teammate
    assert saved.history.first().history_user == teammate


def test_stale_update_names_who_changed_what(rep, teammate):
    opportunity = OpportunityFactory(owner=rep, amount=Decimal("1000"))
    opportunity_update(  # the teammate saves first (creates the baseline record too)
        opportunity=opportunity, data={"title": "Neu"}, user=teammate, expected_version=1
    )
    opportunity.refresh_from_db()
    opportunity_update(
        opportunity=opportunity,
        data={"amount": Decimal("2500")},
        user=teammate,
        expected_version=2,
    )
    with pytest.raises(ConflictError) as caught:
        opportunity_update(
            opportunity=opportunity, data={"title": "Meins"}, user=rep, expected_version=2
        )
    error = caught.value
    assert error.changed_by == teammate and error.current_version == 3
    assert ("Betrag (EUR)", "1.000,00 €", "2.500,00 €") in error.changes
    assert "Die Verkaufschance wurde inzwischen von" in error.message
    assert "Betrag (EUR)" in error.message
    assert Opportunity.objects.get(pk=opportunity.pk).title == "Neu"


@pytest.mark.parametrize(
    ("start", "target", "closed"),
    [
        (OPEN, WON, True),
        (OPEN, LOST, True),
        (WON, OPEN, False),
        (LOST, OPEN, False),
        (WON, LOST, True),
        (LOST, WON, True),
    ],
)
def test_status_transitions(rep, start, target, closed):
    opportunity = OpportunityFactory(status=start)
    saved = opportunity_set_status(
        opportunity=opportunity, status=target, user=rep, expected_version=opportunity.version
    )
    assert saved.status == target
    assert (saved.closed_at is not None) is closed
    assert saved.version == opportunity.version + 1


@pytest.mark.parametrize("status", [OPEN, WON, LOST])
def test_status_to_the_same_status_is_refused(rep, status):
    opportunity = OpportunityFactory(status=status)
    with pytest.raises(OpportunityError):
        opportunity_set_status(opportunity=opportunity, status=status, user=rep, expected_version=1)


def test_status_with_stale_version_is_a_conflict(rep):
    opportunity = OpportunityFactory()
    opportunity_set_status(opportunity=opportunity, status=WON, user=rep, expected_version=1)
    with pytest.raises(ConflictError):
        opportunity_set_status(opportunity=opportunity, status=LOST, user=rep, expected_version=1)
    assert Opportunity.objects.get(pk=opportunity.pk).status == WON


def test_unknown_status_is_refused(rep):
    with pytest.raises(OpportunityError):
        opportunity_set_status(
            opportunity=OpportunityFactory(), status="maybe", user=rep, expected_version=1
        )
