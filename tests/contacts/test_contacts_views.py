"""Company and person screens: access, rendering, HTMX fragments, query counts, bad input."""

import pytest
from django.urls import reverse

from accounts.models import ListPreference
from contacts.models import Company, Person
from tests.factories import (
    ActivityFactory,
    CompanyFactory,
    LeadFactory,
    PersonFactory,
    category,
    status,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def company(rep):
    company = CompanyFactory(name="Sonnenkraft GmbH", category=category("Lead"), owner=rep)
    PersonFactory(company=company, last_name="Adler", lead_status=status("Offen"))
    PersonFactory(company=company, last_name="Berger", lead_status=status("Qualifiziert"))
    return company


def _urls(company):
    person = company.persons.first()
    return [
        reverse("contacts:company_list"),
        reverse("contacts:company_create"),
        reverse("contacts:company_detail", args=[company.pk]),
        reverse("contacts:company_edit", args=[company.pk]),
        reverse("contacts:person_list"),
        reverse("contacts:person_create"),
        reverse("contacts:person_detail", args=[person.pk]),
        reverse("contacts:person_edit", args=[person.pk]),
        reverse("contacts:find"),
        reverse("boards:bulk_update"),
    ]


def test_outsider_is_refused_everywhere(outsider_client, company):
    for url in _urls(company):
        assert outsider_client.get(url).status_code == 403, url
    assert outsider_client.post(reverse("contacts:list_columns")).status_code == 403


@pytest.mark.parametrize("who", ["rep_client", "manager_client", "marketing_client"])
def test_roles_see_every_screen(request, who, company):
    client = request.getfixturevalue(who)
    for url in _urls(company):
        assert client.get(url).status_code == 200, url


def test_company_detail_tabs(rep_client, company):
    ActivityFactory(company=company, person=company.persons.first(), subject="Erstgespräch")
    LeadFactory(customer=company, company_name="Sonnenkraft GmbH")
    url = reverse("contacts:company_detail", args=[company.pk])
    body = rep_client.get(url).content.decode()
    assert "Adler" in body and "Berger" in body
    activities_tab = rep_client.get(url + "?tab=activities").content.decode()
    assert f'hx-get="/aktivitaeten/unterbereich/?company={company.pk}"' in activities_tab
    fragment = rep_client.get(f"/aktivitaeten/unterbereich/?company={company.pk}").content.decode()
    assert "Erstgespräch" in fragment
    assert "Keine Leads" not in rep_client.get(url + "?tab=leads").content.decode()
    assert "Angelegt" in rep_client.get(url + "?tab=history").content.decode()
    # HTMX: only the tab fragment
    fragment = rep_client.get(
        url + "?tab=activities", headers={"HX-Request": "true", "HX-Target": "company-tabs"}
    ).content.decode()
    assert "/aktivitaeten/unterbereich/?company=" in fragment and "<html" not in fragment


def test_company_history_shows_category_change(rep_client, rep, company):
    from contacts import services

    services.company_set_category(company=company, category=category("Kunde"), user=rep)
    body = rep_client.get(
        reverse("contacts:company_detail", args=[company.pk]) + "?tab=history"
    ).content.decode()
    assert "Lead" in body and "Kunde" in body


def test_persons_tab_column_chooser_saved_per_user(rep_client, rep, company):
    url = reverse("contacts:company_detail", args=[company.pk]) + "?tab=persons"
    assert '<td><span class="badge lc-status"' not in rep_client.get(url).content.decode()
    response = rep_client.post(
        reverse("contacts:list_columns"),
        {"key": "company_persons", "columns": ["name", "lead_status", "bogus"], "next": url},
    )
    assert response.status_code == 302 and response["Location"] == url
    pref = ListPreference.objects.get(user=rep, key="company_persons")
    assert pref.columns == ["name", "lead_status"]
    assert '<td><span class="badge lc-status"' in rep_client.get(url).content.decode()


def test_column_chooser_rejects_unknown_list_and_foreign_next(rep_client):
    response = rep_client.post(
        reverse("contacts:list_columns"), {"key": "nope", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("contacts:person_list")


def test_persons_tab_filter_and_group_by_lead_status(rep_client, rep, company):
    ListPreference.objects.create(user=rep, key="company_persons", columns=["name", "lead_status"])
    url = reverse("contacts:company_detail", args=[company.pk])
    body = rep_client.get(url, {"tab": "persons", "ls": status("Qualifiziert").pk}).content.decode()
    assert "Berger" in body and "Adler" not in body
    grouped = rep_client.get(url, {"tab": "persons", "group": "lead_status"}).content.decode()
    assert grouped.count("table-group-row") == 2


def test_person_card_shows_lead_status_only_when_applicable(rep_client, company):
    person = company.persons.get(last_name="Berger")
    url = reverse("contacts:person_detail", args=[person.pk])
    body = rep_client.get(url).content.decode()
    assert 'data-testid="person-lead-status"' in body
    assert status("Qualifiziert").description in body  # tooltip
    other = PersonFactory(
        company=CompanyFactory(category=category("Kunde")), lead_status=status("Qualifiziert")
    )
    body = rep_client.get(reverse("contacts:person_detail", args=[other.pk])).content.decode()
    assert 'data-testid="person-lead-status"' not in body


def _person_post(person, **changes):
    data = {
        "company": person.company_id or "",
        "salutation": person.salutation,
        "title": person.title,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "function": person.function,
        "email": person.email,
        "phone": "",
        "mobile": "",
        "owner": "",
        "version": person.version,
    }
    if person.lead_status_id:
        data["lead_status"] = person.lead_status_id
    data.update(changes)
    return data


def test_person_edit_changes_lead_status(rep_client, company):
    person = company.persons.get(last_name="Adler")
    response = rep_client.post(
        reverse("contacts:person_edit", args=[person.pk]),
        _person_post(person, lead_status=status("Qualifiziert").pk),
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.lead_status.name == "Qualifiziert"
    assert person.lead_status_changed_at is not None


def test_crafted_post_changing_hidden_lead_status_is_refused(rep_client):
    person = PersonFactory(
        company=CompanyFactory(category=category("Kunde")), lead_status=status("Qualifiziert")
    )
    response = rep_client.post(
        reverse("contacts:person_edit", args=[person.pk]),
        _person_post(person, lead_status=status("Offen").pk),
    )
    assert response.status_code == 200
    assert (
        "Der Lead-Status kann für diese Person nicht geändert werden" in response.content.decode()
    )
    person.refresh_from_db()
    assert person.lead_status.name == "Qualifiziert"


def test_person_edit_stale_version_shows_conflict(rep_client, company):
    person = company.persons.get(last_name="Adler")
    response = rep_client.post(
        reverse("contacts:person_edit", args=[person.pk]), _person_post(person, version=99)
    )
    assert response.status_code == 200
    assert "inzwischen von jemand anderem geändert" in response.content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"last_name": "x" * 500}, "höchstens 100 Zeichen"),
        ({"email": "keine-mail"}, "gültige E-Mail-Adresse"),
        ({"company": "999999"}, "gültige Firma"),
        ({"lead_status": "999999"}, "gültigen Lead-Status"),
        ({"salutation": "Majestät"}, "gültige Anrede"),
        ({"owner": "abc"}, "gültigen Benutzer"),
        ({"phone": "12ab"}, "gültige Telefonnummer"),
        ({"last_name": ""}, "Nachnamen"),
    ],
)
def test_person_form_bad_input_gives_german_error(rep_client, company, changes, message):
    person = company.persons.get(last_name="Adler")
    response = rep_client.post(
        reverse("contacts:person_edit", args=[person.pk]), _person_post(person, **changes)
    )
    assert response.status_code == 200
    assert message in response.content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "x" * 300}, "höchstens 200 Zeichen"),
        ({"email": "foo@"}, "gültige E-Mail-Adresse"),
        ({"category": "999999"}, "gültige Kategorie"),
        ({"owner": "999999"}, "gültigen Benutzer"),
        ({"country": "XX"}, "gültiges Land"),
        ({"website": "kein link"}, "gültige Webadresse"),
        ({"name": ""}, "Namen"),
    ],
)
def test_company_form_bad_input_gives_german_error(rep_client, changes, message):
    data = {"name": "Neue Firma", "category": category("Lead").pk, "country": "DE"}
    data.update(changes)
    response = rep_client.post(reverse("contacts:company_create"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Company.objects.filter(name="Neue Firma").exists()


def test_company_create_and_category_change_sets_persons_to_offen(rep_client, rep):
    response = rep_client.post(
        reverse("contacts:company_create"),
        {"name": "Windpark Nord AG", "category": category("Kunde").pk, "country": "DE"},
    )
    company = Company.objects.get(name="Windpark Nord AG")
    assert response.status_code == 302 and company.owner == rep
    person = PersonFactory(company=company)
    response = rep_client.post(
        reverse("contacts:company_edit", args=[company.pk]),
        {
            "name": "Windpark Nord AG",
            "category": category("Lead").pk,
            "country": "DE",
            "version": company.version,
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.lead_status.name == "Offen"


def test_company_category_select_is_grouped(rep_client):
    body = rep_client.get(reverse("contacts:company_create")).content.decode()
    assert '<optgroup label="Potenzieller Kunde">' in body


def test_person_create_in_prospect_company_gets_offen(rep_client, company):
    response = rep_client.post(
        reverse("contacts:person_create"),
        {"company": company.pk, "last_name": "Neumann", "first_name": "Lea"},
    )
    assert response.status_code == 302
    assert Person.objects.get(last_name="Neumann").lead_status.name == "Offen"


def test_unknown_ids_give_404(rep_client):
    assert rep_client.get(reverse("contacts:company_detail", args=[999999])).status_code == 404
    assert rep_client.get(reverse("contacts:person_detail", args=[999999])).status_code == 404


def test_list_filters_tolerate_bad_parameters(rep_client):
    for url in (reverse("contacts:company_list"), reverse("contacts:person_list")):
        response = rep_client.get(url, {"page": "-3", "category": "abc", "ls": "x", "q": "y" * 500})
        assert response.status_code == 200


def _make(n):
    for i in range(n):
        company = CompanyFactory(category=category("Lead" if i % 2 else "Kunde"))
        PersonFactory(company=company, lead_status=status("Offen"))
        ActivityFactory(company=company, person=None)
        LeadFactory(customer=company)


@pytest.mark.parametrize(
    "view",
    [
        "company_list",
        "person_list",
        "company_persons",
        "company_activities",
        "company_leads",
        "company_history",
        "person_detail",
        "person_edit",
        "company_edit",
        "person_create",
        "company_create",
    ],
)
def test_query_count_does_not_grow(rep_client, rep, django_assert_max_num_queries, view):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ListPreference.objects.create(
        user=rep,
        key="company_persons",
        columns=[
            c
            for c in [
                "name",
                "company",
                "category",
                "category_group",
                "lead_status",
                "owner",
                "lead_source",
            ]
        ],
    )
    company = CompanyFactory(category=category("Lead"), owner=rep)

    def url():
        if view in ("company_list", "person_list", "person_create", "company_create"):
            return reverse(f"contacts:{view}")
        if view in ("person_detail", "person_edit"):
            return reverse(f"contacts:{view}", args=[company.persons.first().pk])
        if view == "company_edit":
            return reverse("contacts:company_edit", args=[company.pk])
        tab = view.split("_", 1)[1]
        return reverse("contacts:company_detail", args=[company.pk]) + f"?tab={tab}"

    def grow(n):
        _make(n)
        for _ in range(n):
            person = PersonFactory(company=company, lead_status=status("Kontaktiert"), owner=rep)
            ActivityFactory(company=company, person=person)
            lead = LeadFactory(customer=company)
            lead.contacts.add(person)
            company.name = f"{company.name}!"
            company.save()

    grow(2)
    with CaptureQueriesContext(connection) as small:
        assert rep_client.get(url()).status_code == 200
    grow(8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert rep_client.get(url()).status_code == 200


def test_company_options_search(rep_client, outsider_client, company):
    url = reverse("contacts:company_options")
    body = rep_client.get(url, {"company_q": "sonnen"}).content.decode()
    assert f'<option value="{company.pk}">Sonnenkraft GmbH</option>' in body
    assert "Keine passende Firma" in rep_client.get(url, {"company_q": "zzz"}).content.decode()
    assert outsider_client.get(url).status_code == 403


def test_person_form_renders_only_the_chosen_company(rep_client, company):
    other = CompanyFactory(name="Andere Firma")
    person = company.persons.first()
    body = rep_client.get(reverse("contacts:person_edit", args=[person.pk])).content.decode()
    assert "Sonnenkraft GmbH" in body and other.name not in body
    # choosing another company found through the search still validates
    response = rep_client.post(
        reverse("contacts:person_edit", args=[person.pk]), _person_post(person, company=other.pk)
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.company == other


@pytest.mark.parametrize("name", ["company_list", "person_list"])
def test_list_htmx_returns_only_results(rep_client, company, name):
    response = rep_client.get(
        reverse(f"contacts:{name}"),
        {"q": "Sonnen" if name == "company_list" else "Adler"},
        headers={"HX-Request": "true", "HX-Target": "results"},
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="results">') and "<html" not in body
    assert ("Sonnenkraft GmbH" if name == "company_list" else "Adler") in body


def test_person_edit_form_hides_lead_status_when_not_applicable(rep_client):
    person = PersonFactory(
        company=CompanyFactory(category=category("Kunde")), lead_status=status("Qualifiziert")
    )
    body = rep_client.get(reverse("contacts:person_edit", args=[person.pk])).content.decode()
    assert 'name="lead_status"' not in body
    # saving other fields keeps the hidden value
    data = _person_post(person, function="Einkauf")
    data.pop("lead_status")
    assert (
        rep_client.post(reverse("contacts:person_edit", args=[person.pk]), data).status_code == 302
    )
    person.refresh_from_db()
    assert person.lead_status.name == "Qualifiziert" and person.function == "Einkauf"


def test_company_edit_keeps_an_inactive_category_selectable(rep_client):
    from contacts.models import Category, CategoryGroup

    old = Category.objects.create(
        name="Altkategorie", group=CategoryGroup.objects.get(name="Kunde"), active=False
    )
    company = CompanyFactory(category=old)
    body = rep_client.get(reverse("contacts:company_edit", args=[company.pk])).content.decode()
    assert f'<option value="{old.pk}" selected>Altkategorie</option>' in body
