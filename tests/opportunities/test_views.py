"""Opportunity screens: list with filters (constant queries), detail with German amounts,
dates and history, edit with optimistic locking, status buttons, who may do what."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from opportunities.models import Opportunity, OpportunityKind, OpportunityStatus
from opportunities.services import opportunity_update
from tests.factories import CompanyFactory, LeadFactory, OpportunityFactory

pytestmark = pytest.mark.django_db

LIST = reverse("opportunities:list")


def _titles(response) -> set[str]:
    return {o.title for o in response.context["pager"]["rows"]}


@pytest.fixture
def sample(rep, teammate):
    today = timezone.localdate()
    return {
        "mine": OpportunityFactory(
            title="Meine Anfrage",
            kind=OpportunityKind.INQUIRY,
            owner=rep,
            amount=Decimal("900"),
            expected_close=today + dt.timedelta(days=10),
        ),
        "won": OpportunityFactory(
            title="Gewonnenes Angebot",
            owner=teammate,
            status=OpportunityStatus.WON,
            amount=Decimal("50000"),
            expected_close=today + dt.timedelta(days=90),
        ),
        "nobody": OpportunityFactory(
            title="Ohne Zuständigen", owner=None, amount=None, expected_close=None
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"mine", "won", "nobody"}),
        ({"kind": "inquiry"}, {"mine"}),
        ({"status": ["won"]}, {"won"}),
        ({"status": ["open", "lost"]}, {"mine", "nobody"}),
        ({"owner": "me"}, {"mine"}),
        ({"owner": "nobody"}, {"nobody"}),
        ({"amount_min": "1000"}, {"won"}),
        ({"amount_max": "1000,00"}, {"mine"}),
        ({"q": "angebot"}, {"won"}),
    ],
)
def test_list_filters(rep_client, sample, query, expected):
    response = rep_client.get(LIST, query)
    assert response.status_code == 200
    assert _titles(response) == {sample[k].title for k in expected}


def test_list_filters_by_owner_id_and_periods(rep_client, sample, teammate):
    assert _titles(rep_client.get(LIST, {"owner": teammate.pk})) == {"Gewonnenes Angebot"}
    soon = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    assert _titles(rep_client.get(LIST, {"close_to": soon})) == {"Meine Anfrage"}
    assert _titles(rep_client.get(LIST, {"close_from": soon})) == {"Gewonnenes Angebot"}
    today = timezone.localdate().isoformat()
    assert len(_titles(rep_client.get(LIST, {"created_from": today}))) == 3
    assert _titles(rep_client.get(LIST, {"created_to": "2000-01-01"})) == set()


def test_list_shows_count_sum_and_german_amounts(rep_client, sample):
    body = rep_client.get(LIST).content.decode()
    assert "3 Verkaufschancen" in body
    assert "50.900,00 €" in body  # the sum
    assert "50.000,00 €" in body and "900,00 €" in body


def test_invalid_filter_is_shown_and_ignored(rep_client, sample):
    response = rep_client.get(LIST, {"amount_min": "viel", "kind": "inquiry"})
    assert response.status_code == 200
    assert "wurden ignoriert" in response.content.decode()
    assert _titles(response) == {"Meine Anfrage"}


def test_list_htmx_returns_the_results_only(rep_client, sample):
    response = rep_client.get(
        LIST, {"kind": "offer"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="opportunity-results"
    )
    body = response.content.decode()
    assert 'id="opportunity-results"' in body and "<html" not in body


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(LIST).status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_does_not_grow(rep_client, rep, teammate, django_assert_max_num_queries):
    lead = LeadFactory()
    OpportunityFactory.create_batch(2, owner=rep, lead=lead)
    small = _list_queries(rep_client)
    OpportunityFactory.create_batch(10, owner=teammate, lead=LeadFactory())
    OpportunityFactory.create_batch(10, owner=None)
    with django_assert_max_num_queries(small):
        assert len(rep_client.get(LIST).context["pager"]["rows"]) == 22


def test_detail_shows_german_amount_dates_and_local_history(rep_client, rep):
    opportunity = OpportunityFactory(
        owner=rep, amount=Decimal("1234.5"), expected_close=dt.date(2027, 3, 1)
    )
    opportunity_update(
        opportunity=opportunity,
        data={"amount": Decimal("2000")},
        user=rep,
        expected_version=1,
    )
    body = rep_client.get(opportunity.get_absolute_url()).content.decode()
    assert "2.000,00 €" in body and "01.03.2027" in body
    record = opportunity.history.first()
    local = timezone.localtime(record.history_date).strftime("%d.%m.%Y %H:%M")
    assert local in body
    assert "+00:00" not in body and str(record.history_date) not in body


def test_edit_saves_through_the_service(rep_client, rep):
    opportunity = OpportunityFactory(owner=rep)
    url = reverse("opportunities:edit", args=[opportunity.pk])
    data = {
        "kind": "inquiry",
        "title": "Geänderter Titel",
        "amount": "1500,00",
        "expected_close": "2027-05-01",
        "person": opportunity.person_id,
        "owner": rep.pk,
        "description": "",
        "version": 1,
    }
    response = rep_client.post(url, data)
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.title == "Geänderter Titel" and opportunity.version == 2
    assert opportunity.amount == Decimal("1500")
    # the same (stale) form again: refused, the other save is named, nothing changes
    data["title"] = "Überschrieben"
    response = rep_client.post(url, data)
    assert response.status_code == 409
    assert "Die Verkaufschance wurde inzwischen von" in response.content.decode()
    opportunity.refresh_from_db()
    assert opportunity.title == "Geänderter Titel"


def test_status_buttons_set_status_and_closed_at(rep_client, rep):
    opportunity = OpportunityFactory(owner=rep)
    url = reverse("opportunities:status", args=[opportunity.pk])
    response = rep_client.post(url, {"status": "won", "version": 1}, follow=True)
    assert "Die Verkaufschance ist jetzt „Gewonnen“." in response.content.decode()
    opportunity.refresh_from_db()
    assert opportunity.status == "won" and opportunity.closed_at is not None
    response = rep_client.post(url, {"status": "lost", "version": 1}, follow=True)
    assert "inzwischen" in response.content.decode()  # stale button: refused with a message
    assert Opportunity.objects.get(pk=opportunity.pk).status == "won"


@pytest.mark.parametrize(
    ("who", "owner", "allowed"),
    [
        ("rep", "rep", True),
        ("rep", "teammate", False),
        ("rep", None, True),
        ("marketing", None, False),
        ("marketing", "marketing", True),
        ("manager", "teammate", True),
        ("staff_admin", "teammate", True),
    ],
)
def test_edit_rules(request, who, owner, allowed):
    from django.test import Client

    from opportunities.permissions import can_edit_opportunity

    user = request.getfixturevalue(who)
    opportunity = OpportunityFactory(owner=request.getfixturevalue(owner) if owner else None)
    assert can_edit_opportunity(user, opportunity) is allowed
    client = Client()
    client.force_login(user)
    response = client.post(
        reverse("opportunities:status", args=[opportunity.pk]), {"status": "won", "version": 1}
    )
    assert response.status_code == (302 if allowed else 403)
    opportunity.refresh_from_db()
    assert (opportunity.status == "won") is allowed
    opportunity.refresh_from_db()
    page = client.get(opportunity.get_absolute_url()).content.decode()
    assert ("Bearbeiten</a>" in page) is allowed


def test_read_only_user_sees_no_buttons(rep_client, teammate):
    opportunity = OpportunityFactory(owner=teammate)
    body = rep_client.get(opportunity.get_absolute_url()).content.decode()
    assert "Als gewonnen markieren" not in body
    assert "ansehen, aber nicht bearbeiten" in body


def test_outsider_is_refused_everywhere(outsider_client):
    opportunity = OpportunityFactory()
    company = CompanyFactory()
    lead = LeadFactory()
    for url in (
        LIST,
        opportunity.get_absolute_url(),
        reverse("opportunities:edit", args=[opportunity.pk]),
        reverse("opportunities:lead_section", args=[lead.pk]),
        reverse("opportunities:company_section", args=[company.pk]),
        reverse("opportunities:create_from_lead", args=[lead.pk]),
    ):
        assert outsider_client.get(url).status_code == 403, url
    response = outsider_client.post(
        reverse("opportunities:status", args=[opportunity.pk]), {"status": "won", "version": 1}
    )
    assert response.status_code == 403
    assert Opportunity.objects.get(pk=opportunity.pk).status == "open"


def test_navigation_entry(rep_client):
    response = rep_client.get(LIST)
    active = [str(i["label"]) for i in response.context["main_navigation"] if i["active"]]
    assert active == ["Verkaufschancen"]


def test_edit_form_shows_the_amount_german(rep_client, rep):
    opportunity = OpportunityFactory(owner=rep, amount=Decimal("1234.50"))
    body = rep_client.get(reverse("opportunities:edit", args=[opportunity.pk])).content.decode()
    assert 'value="1234,50"' in body
    assert f'name="version" value="{opportunity.version}"' in body
