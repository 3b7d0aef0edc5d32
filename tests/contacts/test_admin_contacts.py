"""Company and person admin keep the lead-status rules of seed 000."""

import pytest
from django.urls import reverse

from contacts.models import LeadStatus
from tests.factories import CompanyFactory, PersonFactory, category

pytestmark = pytest.mark.django_db


def _company_form(company, **changes) -> dict:
    data = {
        "name": company.name,
        "category": company.category_id or "",
        "industry": company.industry,
        "owner": "",
        "street": company.street,
        "postal_code": company.postal_code,
        "city": company.city,
        "country": "DE",
        "phone": str(company.phone),
        "email": company.email,
        "website": company.website,
        "persons-TOTAL_FORMS": 0,
        "persons-INITIAL_FORMS": 0,
    }
    data.update(changes)
    return data


def _person_form(person, **changes) -> dict:
    data = {
        "company": person.company_id,
        "salutation": person.salutation,
        "title": "",
        "first_name": person.first_name,
        "last_name": person.last_name,
        "function": person.function,
        "email": person.email,
        "phone": str(person.phone),
        "mobile": "",
        "owner": "",
        "lead_status": person.lead_status_id or "",
    }
    data.update(changes)
    return data


def test_moving_a_company_into_a_prospect_category_sets_persons_to_default(admin_client_staff):
    company = CompanyFactory(category=category("Kunde"))
    person = PersonFactory(company=company, lead_status=None)
    url = reverse("admin:contacts_company_change", args=[company.pk])
    response = admin_client_staff.post(url, _company_form(company, category=category("Lead").pk))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.lead_status == LeadStatus.objects.default()
    assert person.lead_status_changed_at is not None


def test_lead_status_on_a_customer_person_is_refused(admin_client_staff):
    person = PersonFactory(company=CompanyFactory(category=category("Kunde")), lead_status=None)
    qualified = LeadStatus.objects.get(name="Qualifiziert")
    url = reverse("admin:contacts_person_change", args=[person.pk])
    response = admin_client_staff.post(url, _person_form(person, lead_status=qualified.pk))
    assert response.status_code == 200
    assert "Der Lead-Status gilt nur für Personen" in response.content.decode()
    person.refresh_from_db()
    assert person.lead_status is None


def test_person_status_change_in_admin_is_dated(admin_client_staff):
    person = PersonFactory(lead_status=LeadStatus.objects.default())
    qualified = LeadStatus.objects.get(name="Qualifiziert")
    url = reverse("admin:contacts_person_change", args=[person.pk])
    response = admin_client_staff.post(url, _person_form(person, lead_status=qualified.pk))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.lead_status == qualified
    assert person.lead_status_changed_at is not None
    assert person.version == 2
