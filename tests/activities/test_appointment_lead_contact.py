"""The automatic appointment of a lead without Geschäftspartner/Ansprechpartner carries the
lead's contact name, company text, phone and e-mail; linking a partner later moves it
there (issue #15, point 4)."""

import pytest
from django.urls import reverse

from activities.models import Activity
from leads.services.lead import lead_create, lead_update
from tests import factories as f
from tests.factories.activities import planned
from tests.factories.leads import lead_data

pytestmark = pytest.mark.django_db


def _lead_with_slot(rep, teammate):
    start, end = planned()
    return lead_create(
        data=lead_data(
            company_name="Gärtnerei Blum",
            first_name="Eva",
            last_name="Blum",
            phone="+49 40 1234567",
            email="eva@gaertnerei-blum-beispiel.de",
            planned_start=start,
            planned_end=end,
            appointment_with=teammate,
            follow_up_by=rep,
        ),
        user=rep,
    ).lead


def test_appointment_without_partner_carries_the_leads_contact(rep, teammate):
    lead = _lead_with_slot(rep, teammate)
    appt = lead.appointment
    assert appt.company is None and appt.person is None
    assert appt.contact_name == "Eva Blum"
    assert appt.company_text == "Gärtnerei Blum"
    assert appt.contact_phone == "+49401234567"
    assert appt.contact_email == "eva@gaertnerei-blum-beispiel.de"
    assert (appt.with_name, appt.with_company) == ("Eva Blum", "Gärtnerei Blum")


def test_activity_page_shows_the_leads_contact(rep, teammate, teammate_client):
    appt = _lead_with_slot(rep, teammate).appointment
    page = teammate_client.get(reverse("activities:detail", args=[appt.pk])).content.decode()
    assert "Eva Blum" in page and "Kontakt aus dem Lead" in page
    assert "Gärtnerei Blum" in page and "noch kein Geschäftspartner" in page
    assert 'href="tel:+49401234567"' in page
    assert "mailto:eva@gaertnerei-blum-beispiel.de" in page


def test_linking_partner_later_moves_the_appointment_and_clears_the_texts(rep, teammate):
    lead = _lead_with_slot(rep, teammate)
    company = f.CompanyFactory(name="Gärtnerei Blum KG")
    person = f.PersonFactory(company=company, first_name="Eva", last_name="Blum")
    lead_update(
        lead=lead,
        data={"customer": company},
        user=rep,
        expected_version=lead.version,
        main_contact=person,
    )
    appt = Activity.objects.get(pk=lead.appointment_id)
    assert appt.company == company and appt.person == person
    assert (appt.company_text, appt.contact_name, appt.contact_phone, appt.contact_email) == (
        "",
        "",
        "",
        "",
    )
    assert appt.version == 2
    assert (appt.with_name, appt.with_company) == (person.full_name, "Gärtnerei Blum KG")


def test_only_the_company_linked_keeps_the_person_texts(rep, teammate):
    lead = _lead_with_slot(rep, teammate)
    company = f.CompanyFactory(name="Blum Holding")
    lead_update(lead=lead, data={"customer": company}, user=rep, expected_version=lead.version)
    appt = Activity.objects.get(pk=lead.appointment_id)
    assert appt.company == company and appt.company_text == ""
    assert appt.person is None and appt.contact_name == "Eva Blum"
    assert appt.contact_email == "eva@gaertnerei-blum-beispiel.de"


def test_unchanged_save_leaves_the_appointment_alone(rep, teammate):
    lead = _lead_with_slot(rep, teammate)
    lead_update(lead=lead, data={"notes": "neu"}, user=rep, expected_version=lead.version)
    assert Activity.objects.get(pk=lead.appointment_id).version == 1


def test_done_appointments_keep_what_they_were_with(rep, teammate):
    lead = _lead_with_slot(rep, teammate)
    Activity.objects.filter(pk=lead.appointment_id).update(status="done")
    company = f.CompanyFactory(name="Später GmbH")
    lead_update(lead=lead, data={"customer": company}, user=rep, expected_version=lead.version)
    appt = Activity.objects.get(pk=lead.appointment_id)
    assert appt.company is None and appt.company_text == "Gärtnerei Blum"
