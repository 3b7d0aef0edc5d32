"""A lead needs a company or a name, and an e-mail or a phone (issue #15, point 5): the one
rule (`leads.models.lead.lead_identity_errors`) on the mask's fields, in the services, the
admin and the bulk path; a refused lead uses up no number."""

import pytest
from django.urls import reverse

from leads.bulk.create import leads_bulk_create, leads_bulk_prepare
from leads.errors import LeadError
from leads.models import Lead, LeadNumberCounter
from leads.models.lead import lead_identity_errors
from leads.services.lead import lead_create, lead_update
from leads.services.numbering import COUNTER_NAME
from tests import factories as f
from tests.factories.leads import lead_data

pytestmark = pytest.mark.django_db

NAME_MISSING = "Bitte ein Unternehmen oder einen Namen angeben."
REACH_MISSING = "Bitte eine E-Mail-Adresse oder eine Telefonnummer angeben."


def _counter() -> int:
    row = LeadNumberCounter.objects.filter(name=COUNTER_NAME).first()
    return row.value if row else 0


@pytest.mark.parametrize(
    ("values", "missing"),
    [
        ({}, {"company_name", "last_name", "email", "phone"}),
        ({"company_name": "Solar AG"}, {"email", "phone"}),
        ({"first_name": "Eva", "phone": "+4940123456"}, set()),
        ({"last_name": "Sommer", "email": "e@sommer-beispiel.de"}, set()),
        ({"company_name": "Solar AG", "email": "info@solar-beispiel.de"}, set()),
        ({"company_name": "  ", "email": "info@solar-beispiel.de"}, {"company_name", "last_name"}),
        ({"last_name": "Sommer", "email": "", "phone": ""}, {"email", "phone"}),
    ],
)
def test_rule_names_the_fields_that_miss(values, missing):
    assert set(lead_identity_errors(**values)) == missing


def test_factories_make_valid_leads():
    assert f.LeadFactory().identity_errors() == {}


def test_empty_mask_saves_nothing_and_uses_no_number(rep, rep_client):
    before_count, before_counter = Lead.objects.count(), _counter()
    response = rep_client.post(reverse("leads:create"), {"status": str(f.default_status().pk)})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["company_name"] == [NAME_MISSING]
    assert form.errors["last_name"] == [NAME_MISSING]
    assert form.errors["email"] == [REACH_MISSING]
    assert form.errors["phone"] == [REACH_MISSING]
    assert NAME_MISSING in response.content.decode()
    assert Lead.objects.count() == before_count
    assert _counter() == before_counter

    # the next saved lead gets the next number: nothing was used up
    response = rep_client.post(
        reverse("leads:create"),
        {"status": str(f.default_status().pk), "last_name": "Sommer", "phone": "040 123456"},
    )
    assert response.status_code == 302
    lead = Lead.objects.get(last_name="Sommer")
    assert lead.number == f"L-{before_counter + 1:06d}"


def test_wrong_email_is_its_own_error_not_a_missing_one(rep_client):
    response = rep_client.post(
        reverse("leads:create"),
        {"status": str(f.default_status().pk), "company_name": "Solar AG", "email": "kein-at"},
    )
    errors = response.context["form"].errors
    assert REACH_MISSING not in errors.get("email", [])
    assert "phone" not in errors


def test_service_refuses_before_taking_a_number(rep):
    before = _counter()
    with pytest.raises(LeadError) as refused:
        lead_create(data={"notes": "nur eine Notiz"}, user=rep)
    assert NAME_MISSING in refused.value.message and REACH_MISSING in refused.value.message
    assert refused.value.field == "company_name"
    assert _counter() == before
    assert not Lead.objects.exists()


def test_web_form_channel_without_user_uses_the_same_rule():
    with pytest.raises(LeadError):
        lead_create(
            data={"company_name": "Nur Firma GmbH", "capture_channel": "web_form"}, user=None
        )


def test_update_may_not_clear_the_last_way_to_reach(rep):
    lead = lead_create(data=lead_data(phone=""), user=rep).lead
    with pytest.raises(LeadError) as refused:
        lead_update(lead=lead, data={"email": ""}, user=rep, expected_version=lead.version)
    assert refused.value.field == "email"
    lead.refresh_from_db()
    assert lead.email


def test_ratings_only_save_of_an_old_incomplete_lead_still_works(rep):
    lead = f.LeadFactory(email="", phone="", follow_up_by=rep)  # from before the rule
    result = lead_update(lead=lead, data={"notes": "nachgefasst"}, user=rep, expected_version=1)
    assert result.lead.notes == "nachgefasst"


def test_bulk_path_applies_the_rule(rep):
    with pytest.raises(LeadError):
        leads_bulk_prepare(rows=[lead_data(), {"company_name": "Ohne Kontakt AG"}], user=rep)
    before = _counter()
    with pytest.raises(LeadError):
        leads_bulk_create(rows=[{"email": "x@beispiel.de"}], user=rep)
    assert _counter() == before


def test_admin_add_shows_the_rule_on_the_form(admin_client_staff):
    data = {
        "company_name": "",
        "status": f.default_status().pk,
        "country": "DE",
        "capture_channel": "manual",
    }
    for prefix in ("lead_contacts", "ratings", "status_changes"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    response = admin_client_staff.post(reverse("admin:leads_lead_add"), data)
    assert response.status_code == 200
    assert NAME_MISSING in response.content.decode()
    assert not Lead.objects.exists()
