"""Opportunities on the lead and the company page, creation from a converted lead, the link
from the conversion's note and success message, and the GDPR export."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from conversion.services import lead_convert
from opportunities.models import Opportunity, OpportunityStatus
from privacy.services import lead_personal_data, person_personal_data
from tests.factories import (
    CompanyFactory,
    LeadContactFactory,
    LeadFactory,
    OpportunityFactory,
    PersonFactory,
    category,
    status,
)

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def lead(rep):
    return LeadFactory(
        company_name="Sonnenhof Energie GmbH",
        last_name="Schneider",
        follow_up_by=rep,
        status=status("Qualifiziert"),
        notes="Zwei Hallendächer.",
        interests=["Photovoltaik"],
    )


def _convert(lead, rep, **opportunity):
    return lead_convert(
        lead=lead,
        user=rep,
        expected_version=lead.version,
        company_data={"name": "Sonnenhof Energie GmbH", "category": category("Lead")},
        person_data={"last_name": "Schneider"},
        opportunity_data=opportunity or None,
    )


def test_lead_page_loads_its_section(rep_client, lead):
    body = rep_client.get(lead.get_absolute_url()).content.decode()
    assert reverse("opportunities:lead_section", args=[lead.pk]) in body


def test_company_page_loads_its_section(rep_client):
    company = CompanyFactory()
    body = rep_client.get(company.get_absolute_url()).content.decode()
    assert reverse("opportunities:company_section", args=[company.pk]) in body


def test_lead_section_lists_the_leads_opportunities(rep_client, lead, rep):
    result = _convert(lead, rep, kind="offer", title="PV-Angebot", amount=Decimal("95000"))
    OpportunityFactory(title="Fremde Chance")
    url = reverse("opportunities:lead_section", args=[lead.pk])
    fragment = rep_client.get(url, **HTMX).content.decode()
    assert "<html" not in fragment
    assert "PV-Angebot" in fragment and "95.000,00 €" in fragment
    assert result.opportunity.get_absolute_url() in fragment
    assert "Fremde Chance" not in fragment
    # converted and the rep may qualify it: the create entry is active
    assert reverse("opportunities:create_from_lead", args=[lead.pk]) in fragment
    assert "<html" in rep_client.get(url).content.decode()  # without JS: a page of its own


def test_lead_section_disables_create_with_reason(rep_client, lead):
    fragment = rep_client.get(
        reverse("opportunities:lead_section", args=[lead.pk]), **HTMX
    ).content.decode()
    assert reverse("opportunities:create_from_lead", args=[lead.pk]) not in fragment
    assert "disabled" in fragment and "erst angelegt werden, wenn der Lead konvertiert" in fragment


def test_company_section_lists_the_companys_opportunities(rep_client):
    company = CompanyFactory()
    OpportunityFactory(company=company, title="Windpark", status=OpportunityStatus.WON)
    OpportunityFactory(title="Andere Firma")
    fragment = rep_client.get(
        reverse("opportunities:company_section", args=[company.pk]), **HTMX
    ).content.decode()
    assert "Windpark" in fragment and "Gewonnen" in fragment and "Andere Firma" not in fragment


@pytest.mark.parametrize("section", ["lead_section", "company_section"])
def test_section_query_count_does_not_grow(
    rep_client, rep, lead, section, django_assert_max_num_queries
):
    company = CompanyFactory()
    target = lead if section == "lead_section" else company
    url = reverse(f"opportunities:{section}", args=[target.pk])
    OpportunityFactory(company=company, lead=lead, owner=rep)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        rep_client.get(url, **HTMX)
    OpportunityFactory.create_batch(15, company=company, lead=lead, owner=rep)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert rep_client.get(url, **HTMX).status_code == 200


def test_create_from_converted_lead_is_prefilled_and_saves(rep_client, lead, rep):
    result = _convert(lead, rep)
    assert result.opportunity is None
    url = reverse("opportunities:create_from_lead", args=[lead.pk])
    page = rep_client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    assert form["title"].value() == "Photovoltaik"
    assert form["description"].value() == "Zwei Hallendächer."
    assert form["person"].value() == result.person.pk  # the lead's main contact
    assert form["owner"].value() == rep.pk
    response = rep_client.post(
        url,
        {"kind": "offer", "title": "Speicher-Angebot", "amount": "12.500,00", "owner": rep.pk},
    )
    assert response.status_code == 302, response.context["form"].errors
    opportunity = Opportunity.objects.get()
    assert response.status_code == 302 and response.url == opportunity.get_absolute_url()
    assert opportunity.lead == lead and opportunity.company == result.company
    assert opportunity.amount == Decimal("12500") and opportunity.created_by == rep


def test_create_from_unconverted_lead_is_refused_in_the_layout(rep_client, lead):
    url = reverse("opportunities:create_from_lead", args=[lead.pk])
    for response in (rep_client.get(url), rep_client.post(url, {"kind": "offer", "title": "X"})):
        assert response.status_code == 409
        body = response.content.decode()
        assert "erst angelegt werden, wenn der Lead konvertiert ist" in body
        assert "<nav" in body  # inside the app layout
    assert not Opportunity.objects.exists()


def test_create_refused_for_a_rep_who_may_not_qualify(teammate_client, lead, rep):
    _convert(lead, rep)
    url = reverse("opportunities:create_from_lead", args=[lead.pk])
    assert teammate_client.get(url).status_code == 403
    assert teammate_client.post(url, {"kind": "offer", "title": "X"}).status_code == 403
    assert not Opportunity.objects.exists()


def test_conversion_note_links_the_opportunity(lead, rep):
    result = _convert(lead, rep, kind="offer", title="PV-Angebot")
    note = lead.activities.get(subject__startswith="Konvertiert aus Lead")
    link = f"{settings.BASE_URL}{result.opportunity.get_absolute_url()}"
    assert link in note.body
    assert note in result.opportunity.activities.all()
    assert result.opportunity.history.get().history_user == rep


def test_conversion_success_message_links_the_opportunity(rep_client, lead):
    url = reverse("conversion:convert", args=[lead.pk])
    page = rep_client.get(url)
    step2 = rep_client.post(
        url,
        {
            "state": page.context["state"],
            "step": "1",
            "mode": "new",
            "name": "Sonnenhof Energie GmbH",
            "category": category("Lead").pk,
        },
    )
    step3 = rep_client.post(
        url,
        {"state": step2.context["state"], "step": "2", "mode": "new", "last_name": "Schneider"},
    )
    done = rep_client.post(
        url,
        {"state": step3.context["state"], "step": "3", "kind": "offer", "title": "PV-Angebot"},
        follow=True,
    )
    opportunity = Opportunity.objects.get()
    assert f'<a href="{opportunity.get_absolute_url()}">' in done.content.decode()


def test_gdpr_exports_include_the_opportunities(lead, rep):
    company = CompanyFactory()
    person = PersonFactory(company=company)
    LeadContactFactory(lead=lead, person=person, is_main=True)
    OpportunityFactory(
        lead=lead, company=company, person=person, title="PV-Angebot", amount=Decimal("1234.5")
    )
    for export in (lead_personal_data(lead), person_personal_data(person)):
        (row,) = export["verkaufschancen"]
        assert row["titel"] == "PV-Angebot" and row["status"] == "Offen"
        assert row["betrag"] == "1.234,50 €"
        assert row["voraussichtlicher_abschluss"].count(".") == 2  # dd.mm.yyyy


def test_conversion_note_link_is_clickable_on_the_activity_page(rep_client, lead, rep):
    result = _convert(lead, rep, kind="inquiry", title="Anfrage Speicher")
    note = lead.activities.get(subject__startswith="Konvertiert aus Lead")
    body = rep_client.get(reverse("activities:detail", args=[note.pk])).content.decode()
    link = f"{settings.BASE_URL}{result.opportunity.get_absolute_url()}"
    assert f'<a href="{link}"' in body
