"""Duplicate matching: normalisation tables (German company names, phone variants) and
candidate search for leads, companies and persons; the mask's HTMX warning."""

import pytest
from django.urls import reverse

from contacts.duplicates import (
    find_company_duplicates,
    find_person_duplicates,
    normalize_company,
    normalize_email,
    normalize_phone,
)
from leads.duplicates import find_lead_duplicates
from tests.factories import CompanyFactory, LeadFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.mark.smoke
@pytest.mark.parametrize(
    "a, b",
    [
        ("Müller GmbH", "Mueller GmbH"),
        ("Müller GmbH", "MÜLLER gmbh"),
        ("Müller GmbH & Co. KG", "Müller"),
        ("Müller GmbH & Co. KG", "Mueller GmbH und Co KG".replace(" und ", " & ")),
        ("Bäckerei Schäfer e.K.", "Baeckerei Schaefer"),
        ("Weiß AG", "Weiss"),
        ("Stadtwerke Neustadt e.V.", "Stadtwerke Neustadt eV"),
        ("Sonnen-Technik UG (haftungsbeschränkt)", "Sonnen Technik"),
        ("Schulz & Partner OHG", "Schulz Partner"),
        ("Meier GbR", "MEIER"),
        ("Energie Nord SE", "Energie Nord"),
        ("Solar Ltd.", "Solar Limited"),
        ("Acme, Inc.", "ACME"),
        ("Krause KG", "Krause"),
        ("Hansen mbH", "Hansen"),
        ("  Lange   Energie  GmbH ", "Lange Energie"),
    ],
)
def test_company_names_normalise_equal(a, b):
    assert normalize_company(a) == normalize_company(b)


@pytest.mark.parametrize(
    "a, b",
    [
        ("Müller GmbH", "Müllers Backstube GmbH"),
        ("Stadtwerke Nord", "Stadtwerke Süd"),
        ("AG Solar", "Solar"),  # a leading "AG" is part of the name
    ],
)
def test_different_companies_stay_different(a, b):
    assert normalize_company(a) != normalize_company(b)


@pytest.mark.parametrize(
    "raw",
    [
        "089 1234567",
        "089/1234567",
        "(089) 123 45 67",
        "+49 89 1234567",
        "+49 (0)89 1234567",
        "0049 89 1234567",
        "+49-89-123-4567",
    ],
)
def test_phone_variants_normalise_to_e164(raw):
    assert normalize_phone(raw) == "+49891234567"


@pytest.mark.parametrize("raw", ["", "abc", "12", None])
def test_bad_phones_normalise_empty(raw):
    assert normalize_phone(raw) == ""


def test_austrian_number_keeps_its_country():
    assert normalize_phone("+43 1 5123456") == "+4315123456"


def test_email_normalises():
    assert normalize_email("  Anna.Vogt@Beispiel.DE ") == "anna.vogt@beispiel.de"


def test_lead_candidates_by_email_phone_and_fuzzy_name():
    by_mail = LeadFactory(company_name="Irgendwas", email="info@mueller-energie.de", phone="")
    by_phone = LeadFactory(company_name="Anderes", email="x@y.de", phone="+49 89 1234567")
    by_name = LeadFactory(company_name="Müller Energie GmbH & Co. KG", email="a@b.de", phone="")
    similar = LeadFactory(company_name="Mueller Energy GmbH", email="c@d.de", phone="")
    LeadFactory(company_name="Schmidt Logistik", email="e@f.de", phone="")
    merged = LeadFactory(company_name="Müller Energie", email="g@h.de", merged_into=by_mail)
    found = find_lead_duplicates(
        {
            "email": "INFO@mueller-energie.de",
            "phone": "089 1234567",
            "company_name": "Mueller Energie",
        }
    )
    ids = [c.obj.pk for c in found]
    assert ids[0] == by_mail.pk  # e-mail is the strongest reason
    assert set(ids) == {by_mail.pk, by_phone.pk, by_name.pk, similar.pk}
    assert merged.pk not in ids
    reasons = {c.obj.pk: c.reasons for c in found}
    assert "gleiches Unternehmen" in reasons[by_name.pk]
    assert any(r.startswith("ähnliches Unternehmen") for r in reasons[similar.pk])


def test_exclude_self():
    lead = LeadFactory(email="selbst@firma.de")
    assert find_lead_duplicates({"email": "selbst@firma.de"}, exclude_id=lead.pk) == []


def test_company_candidates():
    exact = CompanyFactory(name="Bäckerei Schäfer e.K.", email="", phone="")
    domain = CompanyFactory(name="Ganz anders AG", email="info@schaefer-back.de", phone="")
    CompanyFactory(name="Schmidt Logistik", email="", phone="")
    found = find_company_duplicates(
        {"company_name": "Baeckerei Schaefer", "email": "anna@schaefer-back.de"}
    )
    assert [c.obj.pk for c in found] == [exact.pk, domain.pk]


def test_freemail_domain_is_no_company_match():
    CompanyFactory(name="Ganz anders AG", email="firma@gmail.com")
    assert find_company_duplicates({"email": "privat@gmail.com"}) == []


def test_person_candidates():
    company = CompanyFactory()
    same_mail = PersonFactory(email="j.schneider@firma.de")
    same_name = PersonFactory(company=company, last_name="Schneider", first_name="Julia", email="")
    found = find_person_duplicates(
        {"email": "J.Schneider@firma.de", "last_name": "schneider", "first_name": "Julia"},
        company=company,
    )
    assert {c.obj.pk for c in found} == {same_mail.pk, same_name.pk}


@pytest.mark.postgres
def test_trigram_finds_typos_on_postgres():
    lead = LeadFactory(company_name="Stadtwerke Rosenheim GmbH", email="a@b.de", phone="")
    found = find_lead_duplicates({"company_name": "Stadtwerk Rosenhiem"})
    assert lead.pk in [c.obj.pk for c in found]


def test_duplicate_check_fragment(rep_client):
    lead = LeadFactory(email="treffer@firma.de", company_name="Treffer GmbH")
    response = rep_client.post(
        reverse("capture:duplicate_check"), {"email": "treffer@firma.de"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert lead.number in html and "<html" not in html
    response = rep_client.post(
        reverse("capture:duplicate_check"), {"email": "treffer@firma.de", "lead_id": lead.pk}
    )
    assert lead.number not in response.content.decode()


def test_duplicate_check_outsider_refused(outsider_client):
    response = outsider_client.post(reverse("capture:duplicate_check"), {"email": "a@b.de"})
    assert response.status_code == 403


def test_duplicate_check_query_count(rep_client, django_assert_max_num_queries):
    for i in range(2):
        LeadFactory(company_name=f"Sonnenhof {i} GmbH", email=f"s{i}@sonnenhof.de")
    with django_assert_max_num_queries(8):
        rep_client.post(reverse("capture:duplicate_check"), {"company_name": "Sonnenhof GmbH"})
    for i in range(2, 10):
        LeadFactory(company_name=f"Sonnenhof {i} GmbH", email=f"s{i}@sonnenhof.de")
    with django_assert_max_num_queries(8):
        rep_client.post(reverse("capture:duplicate_check"), {"company_name": "Sonnenhof GmbH"})
