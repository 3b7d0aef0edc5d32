"""Issue #19 point 7: create forms carry an idempotency token, so a double submit of the
new-lead mask, the new-company or the new-person form makes one record (ui.idempotency)."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from contacts.models import Company, Person
from leads.models import Lead
from tests import factories as f
from tests.leads.test_leads_mask import _form_data
from ui.idempotency import FIELD_NAME

pytestmark = pytest.mark.django_db

TOKEN = re.compile(rf'name="{FIELD_NAME}" value="([^"]+)"')


def _token(client, url: str) -> str:
    match = TOKEN.search(client.get(url).content.decode())
    assert match, "the create form renders no idempotency token"
    return match.group(1)


def _double_submit(client, url: str, data: dict):
    data = {**data, FIELD_NAME: _token(client, url)}
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == 302, first.content.decode()[:2000]
    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    assert "Bereits gespeichert." in [str(m) for m in get_messages(second.wsgi_request)]
    return first


def test_double_submit_of_the_lead_mask_makes_one_lead(rep_client):
    _double_submit(rep_client, reverse("leads:create"), _form_data())
    assert Lead.objects.filter(company_name="Windpark Nord GmbH").count() == 1


def test_double_submit_of_the_company_form_makes_one_company(rep_client):
    data = {"name": "Doppelklick AG", "category": f.category("Lead").pk, "country": "DE"}
    first = _double_submit(rep_client, reverse("contacts:company_create"), data)
    company = Company.objects.get(name="Doppelklick AG")
    assert first["Location"] == reverse("contacts:company_detail", args=[company.pk])


def test_double_submit_of_the_person_form_makes_one_person(rep_client):
    company = f.CompanyFactory()
    data = {"company": company.pk, "last_name": "Zweimal", "first_name": "Lea"}
    _double_submit(rep_client, reverse("contacts:person_create"), data)
    assert Person.objects.filter(last_name="Zweimal").count() == 1


def test_a_refused_submit_releases_its_token(rep_client):
    url = reverse("contacts:company_create")
    token = _token(rep_client, url)
    data = {"name": "", "category": f.category("Lead").pk, "country": "DE", FIELD_NAME: token}
    refused = rep_client.post(url, data)
    assert refused.status_code == 200
    # the re-rendered form keeps the token; the corrected submit saves once
    assert TOKEN.search(refused.content.decode()).group(1) == token
    assert rep_client.post(url, {**data, "name": "Korrigiert AG"}).status_code == 302
    assert Company.objects.filter(name="Korrigiert AG").count() == 1


def test_each_form_gets_a_new_token_and_forged_ones_are_ignored(rep_client):
    url = reverse("contacts:company_create")
    assert _token(rep_client, url) != _token(rep_client, url)
    data = {"name": "Fälschung AG", "category": f.category("Lead").pk, "country": "DE"}
    for _ in range(2):
        rep_client.post(url, {**data, FIELD_NAME: "forged:token"})
    # an unsigned token guards nothing but breaks nothing either
    assert Company.objects.filter(name="Fälschung AG").count() == 2


def test_tokens_are_per_user(rep_client, teammate_client):
    url = reverse("contacts:company_create")
    data = {
        "name": "Geteilt AG",
        "category": f.category("Lead").pk,
        "country": "DE",
        FIELD_NAME: _token(rep_client, url),
    }
    assert rep_client.post(url, data).status_code == 302
    assert teammate_client.post(url, data).status_code == 302
    assert Company.objects.filter(name="Geteilt AG").count() == 2
