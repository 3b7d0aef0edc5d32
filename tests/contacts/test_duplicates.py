"""The company and person matcher (contacts.duplicates): what matched is recorded per
candidate, and every reason shown is true for that candidate (issue #15, 2: "gleiche
E-Mail-Domain" was shown for companies whose domain differs)."""

import pytest

from contacts.duplicates import (
    DOMAIN,
    EMAIL,
    NAME,
    NAME_EXACT,
    PERSON_EMAIL,
    PHONE,
    company_domain,
    find_company_duplicates,
    find_person_duplicates,
    normalize_company_full,
)
from tests.factories import CompanyFactory, PersonFactory

pytestmark = pytest.mark.django_db

DOMAIN_REASON = "gleiche E-Mail-Domain"


def _by_pk(found):
    return {c.obj.pk: c for c in found}


def test_domain_reason_only_for_companies_with_that_domain():
    """The finding: a company matched by name got the domain reason too."""
    by_name = CompanyFactory(name="Sonnenhof Energie GmbH", email="info@ganz-anders.de")
    by_domain = CompanyFactory(name="Etwas Anderes AG", email="info@sonnenhof-energie.de")
    found = _by_pk(
        find_company_duplicates(
            {"company_name": "Sonnenhof Energie GmbH", "email": "julia@sonnenhof-energie.de"}
        )
    )
    assert DOMAIN_REASON not in found[by_name.pk].reasons
    assert found[by_name.pk].matches == {NAME, NAME_EXACT}
    assert found[by_domain.pk].reasons == (DOMAIN_REASON,)
    assert found[by_domain.pk].matches == {DOMAIN}


def test_domain_of_a_person_of_the_company_counts():
    company = CompanyFactory(name="Ohne Namensbezug KG", email="")
    PersonFactory(company=company, email="max@sonnenhof-energie.de")
    found = _by_pk(find_company_duplicates({"email": "julia@sonnenhof-energie.de"}))
    assert found[company.pk].matches == {DOMAIN}
    assert found[company.pk].reasons == (DOMAIN_REASON,)


def test_the_same_address_at_a_person_of_the_company():
    company = CompanyFactory(name="Irgendwer GmbH", email="")
    PersonFactory(company=company, email="Julia@Gmail.com")
    found = _by_pk(find_company_duplicates({"email": "julia@gmail.com"}))
    assert found[company.pk].matches == {PERSON_EMAIL}
    assert found[company.pk].reasons == ("Ansprechpartner mit gleicher E-Mail-Adresse",)


def test_free_mail_domains_never_match_as_a_domain():
    CompanyFactory(name="Anders KG", email="info@web.de")
    assert company_domain("julia@WEB.de") == "" and company_domain("a@firma.de") == "firma.de"
    assert find_company_duplicates({"email": "julia@web.de"}) == []


def test_reasons_follow_the_matches():
    company = CompanyFactory(name="Muster GmbH", email="info@muster.de", phone="+49891234567")
    found = _by_pk(
        find_company_duplicates(
            {"name": "Muster AG", "email": "info@muster.de", "phone": "089 1234567"}
        )
    )
    candidate = found[company.pk]
    assert candidate.matches == {NAME, EMAIL, DOMAIN, PHONE}  # no NAME_EXACT: other legal form
    # the domain is implied by the same address: not said twice
    assert candidate.reasons == (
        "gleicher Name, andere Rechtsform",
        "gleiche E-Mail-Adresse",
        "gleiche Telefonnummer",
    )


@pytest.mark.parametrize(
    "a, b, same",
    [
        ("Muster GmbH", "muster gmbh", True),
        ("Müller & Söhne GmbH & Co. KG", "mueller söhne gmbh co kg", True),
        ("Muster GmbH", "Muster AG", False),
        ("Muster GmbH", "Muster", False),
    ],
)
def test_full_name_keeps_the_legal_form(a, b, same):
    assert (normalize_company_full(a) == normalize_company_full(b)) is same


def test_person_reasons_are_true():
    company = CompanyFactory()
    full = PersonFactory(company=company, first_name="Julia", last_name="Schneider", email="")
    surname = PersonFactory(company=company, first_name="Jonas", last_name="Schneider", email="")
    mail = PersonFactory(email="julia@firma.de", last_name="Anders")
    found = _by_pk(
        find_person_duplicates(
            {"email": "julia@firma.de", "first_name": "Julia", "last_name": "Schneider"},
            company=company,
        )
    )
    assert found[full.pk].reasons == ("gleicher Name in der Firma",)
    assert found[full.pk].matches == {NAME, NAME_EXACT}
    assert found[surname.pk].reasons == ("gleicher Nachname in der Firma",)
    assert found[surname.pk].matches == {NAME}
    assert found[mail.pk].reasons == ("gleiche E-Mail-Adresse",)
