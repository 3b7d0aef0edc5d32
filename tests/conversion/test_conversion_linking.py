"""Conversion links by default and runs once (issue #15, 1 and 2): the wizard refuses a
lead the action box does not offer, preselects exact matches, takes an explicit
"Trotzdem neu anlegen" for a duplicate, and a second submit of the last step creates
nothing and ends on the lead page with a message."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from contacts.models import Company, Person
from conversion import selectors
from opportunities.models import Opportunity
from tests.factories import CompanyFactory, LeadFactory, PersonFactory, category, status

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(rep):
    return LeadFactory(
        company_name="Muster GmbH",
        first_name="Julia",
        last_name="Schneider",
        email="julia.schneider@muster-solar.de",
        phone="",
        follow_up_by=rep,
        status=status("Qualifiziert"),
    )


def url(lead):
    return reverse("conversion:convert", args=[lead.pk])


def _step1(client, lead, **data):
    page = client.get(url(lead))
    return client.post(url(lead), {"state": page.context["state"], "step": "1", **data})


# --- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_lead_with_a_partner_is_not_converted_through_the_url(rep_client, lead, method):
    """The finding: the box disabled it, the URL converted it anyway (a second company)."""
    partner = CompanyFactory(name="Muster GmbH")
    lead.customer = partner
    lead.save()
    data = {"step": "3", "kind": ""}
    response = rep_client.get(url(lead)) if method == "get" else rep_client.post(url(lead), data)
    assert response.status_code == 302 and response.url == reverse("leads:detail", args=[lead.pk])
    page = rep_client.get(response.url).content.decode()
    assert "Am Lead ist bereits ein Geschäftspartner oder Ansprechpartner verknüpft." in page
    lead.refresh_from_db()
    assert lead.converted_at is None and Company.objects.count() == 1


def test_refusal_of_an_htmx_step_redirects_the_page(rep_client, lead):
    lead.customer = CompanyFactory()
    lead.save()
    response = rep_client.post(url(lead), {"step": "1"}, HTTP_HX_REQUEST="true")
    assert response.headers["HX-Redirect"] == reverse("leads:detail", args=[lead.pk])


# --- company step ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, email",
    [
        ("muster gmbh", ""),  # the same name with legal form, other case
        ("Muster  GmbH.", "info@anders.de"),
        ("Ganz anders AG", "info@muster-solar.de"),  # the same e-mail domain
    ],
)
def test_exact_company_is_preselected(rep_client, lead, name, email):
    match = CompanyFactory(name=name, email=email)
    CompanyFactory(name="Muster AG", email="")  # similar name, other legal form: not exact
    page = rep_client.get(url(lead))
    form = page.context["form"]
    assert form["mode"].value() == "existing"
    assert str(form["company"].value()) == str(match.pk)
    assert f'value="{match.pk}" id="company-s{match.pk}" checked' in page.content.decode()


def test_similar_name_or_free_mail_is_suggested_but_not_preselected(rep_client, rep):
    lead = LeadFactory(company_name="Muster GmbH", email="julia@gmail.com", follow_up_by=rep)
    similar = CompanyFactory(name="Muster AG", email="")
    CompanyFactory(name="Anders KG", email="info@gmail.com")
    page = rep_client.get(url(lead))
    assert page.context["form"]["mode"].value() == "new"
    assert [c.obj for c in page.context["suggestions"]] == [similar]


def test_company_of_a_person_with_the_same_email_is_preselected(rep_client, rep):
    lead = LeadFactory(company_name="Privat", email="julia@gmail.com", follow_up_by=rep)
    person = PersonFactory(email="Julia@gmail.com")
    page = rep_client.get(url(lead))
    assert str(page.context["form"]["company"].value()) == str(person.company_id)


def test_new_company_next_to_an_exact_match_needs_the_explicit_choice(rep_client, lead):
    CompanyFactory(name="Muster GmbH", email="")
    data = {"mode": "new", "name": "Muster GmbH", "category": category("Lead").pk}
    refused = _step1(rep_client, lead, **data)
    assert refused.status_code == 400 and refused.context["step"] == 1
    assert "Trotzdem neu anlegen" in refused.context["form"].errors["force_new"][0]
    accepted = _step1(rep_client, lead, force_new="on", **data)
    assert accepted.status_code == 200 and accepted.context["step"] == 2


def test_new_company_without_a_match_needs_no_choice(rep_client, lead):
    response = _step1(
        rep_client, lead, mode="new", name="Muster GmbH", category=category("Lead").pk
    )
    assert response.context["step"] == 2


def test_lead_partner_is_the_preselection(lead):
    """The lead's own Geschäftspartner comes first (the wizard itself only runs without one,
    so this is the selector's rule for any caller)."""
    partner = CompanyFactory(name="Etwas ganz anderes")
    lead.customer = partner
    candidates = selectors.lead_company_candidates(lead)
    assert candidates[0].obj == partner
    assert selectors.company_preselection(lead, candidates) == partner


# --- person step -------------------------------------------------------------------------------


def test_person_with_the_same_email_at_the_chosen_company_is_preselected(rep_client, lead):
    company = CompanyFactory(name="Muster GmbH", email="")
    PersonFactory(company=company, last_name="Anders")
    same = PersonFactory(
        company=company, last_name="Andere", email="julia.schneider@muster-solar.de"
    )
    step2 = _step1(rep_client, lead, mode="existing", company=company.pk)
    form = step2.context["form"]
    assert form["mode"].value() == "existing" and form["person"].value() == same.pk
    assert step2.context["persons"][0] == same


def test_person_with_the_same_name_at_the_company_is_preselected(rep_client, lead):
    company = CompanyFactory(name="Muster GmbH", email="")
    same = PersonFactory(company=company, first_name="Julia", last_name="Schneider", email="")
    step2 = _step1(rep_client, lead, mode="existing", company=company.pk)
    assert step2.context["form"]["person"].value() == same.pk
    assert "gleicher Name in der Firma" in step2.content.decode()


def test_person_with_the_same_email_elsewhere_is_shown_with_its_company(rep_client, lead):
    elsewhere = PersonFactory(
        email="julia.schneider@muster-solar.de", company=CompanyFactory(name="Andere Firma KG")
    )
    chosen = CompanyFactory(name="Dritte GmbH", email="")
    step2 = _step1(rep_client, lead, mode="existing", company=chosen.pk)
    assert step2.context["person_elsewhere"].obj == elsewhere
    html = step2.content.decode()
    assert elsewhere.company.name in html and 'id="person-elsewhere"' in html
    # a second person with that address takes the explicit choice
    data = {"state": step2.context["state"], "step": "2", "mode": "new", "last_name": "Schneider"}
    data["email"] = "julia.schneider@muster-solar.de"
    refused = rep_client.post(url(lead), data)
    assert refused.status_code == 400 and "force_new" in refused.context["form"].errors
    accepted = rep_client.post(url(lead), {**data, "force_new": "on"})
    assert accepted.context["step"] == 3


# --- the last step runs once -------------------------------------------------------------------


def _to_step3(client, lead):
    step2 = _step1(client, lead, mode="new", name="Muster GmbH", category=category("Lead").pk)
    step3 = client.post(
        url(lead),
        {"state": step2.context["state"], "step": "2", "mode": "new", "last_name": "Schneider"},
    )
    return {"state": step3.context["state"], "step": "3", "kind": "offer", "title": "PV"}


@pytest.mark.parametrize("htmx", [False, True])
def test_replayed_final_submit_creates_nothing_and_says_so(rep_client, lead, htmx):
    final = _to_step3(rep_client, lead)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    first = rep_client.post(url(lead), final, **headers)
    second = rep_client.post(url(lead), final, **headers)
    lead_url = reverse("leads:detail", args=[lead.pk])
    if htmx:
        assert second.headers["HX-Redirect"] == lead_url
    else:
        assert first.status_code == second.status_code == 302 and second.url == lead_url
    assert "Dieser Lead wurde bereits konvertiert." in rep_client.get(lead_url).content.decode()
    assert Company.objects.count() == Person.objects.count() == Opportunity.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_final_submits_convert_once(rep):
    lead = LeadFactory(company_name="Parallel GmbH", last_name="Zwei", email="", follow_up_by=rep)
    setup = Client()
    setup.force_login(rep)
    final = _to_step3(setup, lead)
    barrier = threading.Barrier(2)
    responses = []

    def submit():
        client = Client()
        client.force_login(rep)
        try:
            barrier.wait()
            responses.append(client.post(url(lead), final))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lead_url = reverse("leads:detail", args=[lead.pk])
    assert [(r.status_code, r.url) for r in responses] == [(302, lead_url)] * 2
    assert Company.objects.filter(name="Muster GmbH").count() == 1
    assert Person.objects.filter(last_name="Schneider").count() == 1
    assert Opportunity.objects.filter(lead=lead).count() == 1


def test_exact_person_here_wins_over_the_same_email_elsewhere(rep_client, lead):
    company = CompanyFactory(name="Muster GmbH", email="")
    here = PersonFactory(company=company, first_name="Julia", last_name="Schneider", email="")
    elsewhere = PersonFactory(email=lead.email, company=CompanyFactory(name="Zweite AG"))
    page = rep_client.get(url(lead))
    assert str(page.context["form"]["company"].value()) == str(company.pk)  # name before
    step2 = rep_client.post(
        url(lead),
        {"state": page.context["state"], "step": "1", "mode": "existing", "company": company.pk},
    )
    assert step2.context["form"]["person"].value() == here.pk
    assert step2.context["person_elsewhere"].obj == elsewhere
    assert 'id="pmode-existing" checked' in step2.content.decode()
