"""Issue 16, points 5 and 6: every reference is a link (lead numbers on the company's Leads tab,
the person card and activity pages; person and company on activity pages) and every phone
number or e-mail on a detail page is a tel:/mailto: link with the E.164 value."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from tests.factories import ActivityFactory, CompanyFactory, LeadFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _href(obj) -> str:
    return f'href="{obj.get_absolute_url()}"'


def test_company_leads_tab_links_lead_numbers(rep_client):
    company = CompanyFactory(name="Sonnenkraft GmbH")
    lead = LeadFactory(customer=company)
    url = reverse("contacts:company_detail", args=[company.pk])
    html = rep_client.get(url, {"tab": "leads"}).content.decode()
    assert f"<a {_href(lead)}>{lead.number}</a>" in html


def test_person_card_links_lead_numbers_and_dials_e164(rep_client):
    person = PersonFactory(phone="0821 5990490", mobile="+49 171 1234567", email="eva@example.de")
    lead = LeadFactory()
    lead.contacts.add(person)
    html = rep_client.get(reverse("contacts:person_detail", args=[person.pk])).content.decode()
    assert f"<a {_href(lead)}>{lead.number}</a>" in html
    assert 'href="tel:+498215990490"' in html
    assert 'href="tel:+491711234567"' in html
    assert 'href="mailto:eva@example.de"' in html


def test_company_detail_dials_e164(rep_client):
    company = CompanyFactory(phone="0821 5990490", email="info@example.de")
    html = rep_client.get(reverse("contacts:company_detail", args=[company.pk])).content.decode()
    assert 'href="tel:+498215990490"' in html
    assert 'href="mailto:info@example.de"' in html


def test_activity_card_links_lead_person_and_company(rep_client, rep):
    activity = ActivityFactory(delegated_to=rep, contact_email="kontakt@example.de")
    lead = LeadFactory()
    lead.activities.add(activity)
    html = rep_client.get(reverse("activities:detail", args=[activity.pk])).content.decode()
    assert f"<a {_href(lead)}>{lead.number} " in html
    assert f"<a {_href(activity.person)}>{escape(activity.person.full_name)}</a>" in html
    assert f"<a {_href(activity.company)}>{escape(activity.company.name)}</a>" in html
    assert 'href="mailto:kontakt@example.de"' in html


def test_activity_list_links_person_and_company(rep_client, rep):
    activity = ActivityFactory(delegated_to=rep)
    html = rep_client.get(reverse("activities:list")).content.decode()
    assert f"<a {_href(activity.person)}>{escape(activity.with_name)}</a>" in html
    assert f"<a {_href(activity.company)}>{escape(activity.with_company)}</a>" in html


def test_bell_sits_outside_the_collapsed_menu(rep_client):
    """Phones (≤ 576 px) collapse the menu; the bell must stay visible next to the toggler."""
    html = rep_client.get(reverse("home")).content.decode()
    bell, collapse = html.index('id="bell-slot"'), html.index('id="mainnav"')
    assert bell < collapse
    assert 'id="bell"' in html[bell:collapse]


def test_lead_mask_contacts_tab_mails_the_person(rep, rep_client):
    person = PersonFactory(email="eva@example.de")
    lead = LeadFactory(follow_up_by=rep)
    lead.contacts.add(person)
    html = rep_client.get(lead.get_absolute_url()).content.decode()
    assert 'href="mailto:eva@example.de"' in html
