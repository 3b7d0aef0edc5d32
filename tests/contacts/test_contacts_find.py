"""Find [Suchen]: the criteria builder as a table, the screen, bad input and query counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contacts import search
from contacts.models import Company, Person
from tests.factories import (
    CompanyFactory,
    LeadContactFactory,
    LeadFactory,
    PersonFactory,
    UserFactory,
    category,
    category_group,
    status,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(rep):
    other = UserFactory(username="otto")
    prospect = CompanyFactory(name="Sonnenkraft GmbH", category=category("Lead"), owner=rep)
    customer = CompanyFactory(name="Altkunde AG", category=category("Kunde"), owner=other)
    anna = PersonFactory(
        company=prospect,
        first_name="Anna",
        last_name="Adler",
        email="anna@sonne.de",
        lead_status=status("Qualifiziert"),
        owner=rep,
    )
    bert = PersonFactory(
        company=prospect,
        first_name="Bert",
        last_name="Berger",
        email="bert@sonne.de",
        lead_status=status("Offen"),
        owner=other,
    )
    # moved out of a prospect category: the status is hidden but still searchable
    carl = PersonFactory(
        company=customer,
        first_name="Carl",
        last_name="Cramer",
        email="carl@alt.de",
        lead_status=status("Qualifiziert"),
    )
    lead = LeadFactory(utm_source="linkedin", utm_medium="social", utm_campaign="fruehjahr")
    LeadContactFactory(lead=lead, person=anna, is_main=True)
    Person.objects.filter(pk=carl.pk).update(created_at=timezone.now() - dt.timedelta(days=30))
    return {
        "anna": anna,
        "bert": bert,
        "carl": carl,
        "prospect": prospect,
        "customer": customer,
        "rep": rep,
        "other": other,
    }


CASES = [
    # target, field, op, values (callable on world), expected names
    (
        "person",
        "person.lead_status",
        "in",
        lambda w: [status("Qualifiziert").pk],
        {"Adler", "Cramer"},
    ),
    ("person", "person.lead_status", "not_in", lambda w: [status("Qualifiziert").pk], {"Berger"}),
    (
        "person",
        "company.category_group",
        "in",
        lambda w: [category_group("Potenzieller Kunde").pk],
        {"Adler", "Berger"},
    ),
    (
        "person",
        "company.category_group",
        "not_in",
        lambda w: [category_group("Potenzieller Kunde").pk],
        {"Cramer"},
    ),
    ("person", "company.category", "in", lambda w: [category("Kunde").pk], {"Cramer"}),
    ("person", "person.owner", "in", lambda w: [w["rep"].pk], {"Adler"}),
    ("person", "company.owner", "in", lambda w: [w["rep"].pk], {"Adler", "Berger"}),
    ("person", "lead.utm_source", "contains", lambda w: ["linked"], {"Adler"}),
    ("person", "lead.utm_medium", "contains", lambda w: ["SOCIAL"], {"Adler"}),
    ("person", "lead.utm_campaign", "contains", lambda w: ["frueh"], {"Adler"}),
    ("person", "person.name", "contains", lambda w: ["ber"], {"Berger"}),
    ("person", "person.email", "contains", lambda w: ["@alt.de"], {"Cramer"}),
    (
        "person",
        "person.created",
        "before",
        lambda w: [(timezone.localdate() - dt.timedelta(days=1)).isoformat()],
        {"Cramer"},
    ),
    (
        "person",
        "person.created",
        "after",
        lambda w: [(timezone.localdate() - dt.timedelta(days=2)).isoformat()],
        {"Adler", "Berger"},
    ),
    ("company", "person.lead_status", "in", lambda w: [status("Offen").pk], {"Sonnenkraft GmbH"}),
    (
        "company",
        "company.category_group",
        "in",
        lambda w: [category_group("Kunde").pk],
        {"Altkunde AG"},
    ),
    ("company", "lead.utm_source", "contains", lambda w: ["linkedin"], {"Sonnenkraft GmbH"}),
    ("company", "company.name", "contains", lambda w: ["kraft"], {"Sonnenkraft GmbH"}),
    ("company", "company.owner", "not_in", lambda w: [w["rep"].pk], {"Altkunde AG"}),
]


@pytest.mark.parametrize(("target", "field", "op", "values", "expected"), CASES)
def test_criteria_table(world, target, field, op, values, expected):
    criteria = [{"field": field, "op": op, "values": [str(v) for v in values(world)]}]
    rows = search.apply_criteria(target, criteria)
    names = {r.last_name if target == "person" else r.name for r in rows}
    assert names == expected


def test_criteria_combine_with_and_and_no_duplicates(world):
    lead = LeadFactory(utm_source="linkedin")
    LeadContactFactory(lead=lead, person=world["anna"])  # second matching lead
    rows = list(
        search.apply_criteria(
            "person",
            [
                {"field": "lead.utm_source", "op": "contains", "values": ["linkedin"]},
                {
                    "field": "person.lead_status",
                    "op": "in",
                    "values": [str(status("Qualifiziert").pk)],
                },
            ],
        )
    )
    assert [p.last_name for p in rows] == ["Adler"]
    companies = list(
        search.apply_criteria(
            "company", [{"field": "person.name", "op": "contains", "values": ["e"]}]
        )
    )
    assert len(companies) == len({c.pk for c in companies})


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"field": "person.password", "op": "in", "values": ["1"]}, "Unbekanntes Suchfeld"),
        ({"field": "person.lead_status", "op": "drop", "values": ["1"]}, "nicht möglich"),
        ({"field": "person.lead_status", "op": "in", "values": ["999999"]}, "Ungültige Auswahl"),
        ({"field": "person.lead_status", "op": "in", "values": ["1; DROP"]}, "Ungültige Auswahl"),
        ({"field": "person.name", "op": "contains", "values": ["x" * 101]}, "zu lang"),
        ({"field": "person.created", "op": "after", "values": ["31.02.2026"]}, "kein gültiges"),
        ({"field": "person.created", "op": "after", "values": ["2026-02-31"]}, "kein gültiges"),
    ],
)
def test_clean_criterion_rejects_bad_input_in_german(raw, message):
    crit, error = search.clean_criterion(raw)
    assert message in error
    assert crit is None or crit["values"] == []


def test_describe_reads_like_the_seed(world):
    lines = search.describe(
        [{"field": "person.lead_status", "op": "in", "values": [str(status("Qualifiziert").pk)]}]
    )
    assert lines == ["Person › Lead-Status ist einer von Qualifiziert"]


def _query(target="person", **crit):
    params = {"target": target, "run": "1"}
    for i, (field, op, values) in enumerate(crit.get("criteria", [])):
        params[f"c{i}_field"] = field
        params[f"c{i}_op"] = op
        params[f"c{i}_val"] = values
    return params


def test_find_screen_renders_results_from_querystring(rep_client, world):
    params = _query(criteria=[("person.lead_status", "in", [status("Qualifiziert").pk])])
    body = rep_client.get(reverse("contacts:find"), params).content.decode()
    assert "Adler" in body and "Cramer" in body and "Berger" not in body
    assert "Als Selektion speichern" in body
    assert "Person › Lead-Status ist einer von Qualifiziert" in body


def test_find_htmx_returns_only_the_page_fragment(rep_client, world):
    params = _query(criteria=[("person.name", "contains", ["Adler"])])
    response = rep_client.get(
        reverse("contacts:find"), params, headers={"HX-Request": "true", "HX-Target": "find-page"}
    )
    body = response.content.decode()
    assert 'id="find-page"' in body and "<html" not in body and "Adler" in body


def test_find_companies(rep_client, world):
    params = _query("company", criteria=[("company.category", "in", [category("Kunde").pk])])
    body = rep_client.get(reverse("contacts:find"), params).content.decode()
    assert "Altkunde AG" in body and "Sonnenkraft GmbH" not in body


@pytest.mark.parametrize(
    "params",
    [
        {"target": "evil", "c0_field": "person.lead_status", "c0_op": "in", "c0_val": "abc"},
        {"c0_field": "person.nope", "c0_op": "in", "c0_val": "1"},
        {"c0_field": "person.name", "c0_op": "contains", "c0_val": "x" * 5000},
        {"c0_field": "person.created", "c0_op": "after", "c0_val": "gestern"},
        {"c99999999999999999999_field": "person.name", "page": "abc"},
        {"c0_field": "company.category", "c0_op": "not_in", "c0_val": "-1"},
    ],
)
def test_find_bad_querystring_gives_german_message_not_500(rep_client, world, params):
    response = rep_client.get(reverse("contacts:find"), params)
    assert response.status_code == 200


def test_find_bad_value_shows_warning(rep_client, world):
    response = rep_client.get(
        reverse("contacts:find"),
        {"c0_field": "person.lead_status", "c0_op": "in", "c0_val": "999999"},
    )
    assert "Ungültige Auswahl für „Lead-Status“" in response.content.decode()


def test_find_outsider_refused(outsider_client):
    assert outsider_client.get(reverse("contacts:find")).status_code == 403


@pytest.mark.parametrize("target", ["person", "company"])
def test_find_query_count_does_not_grow(rep_client, rep, django_assert_max_num_queries, target):
    from accounts.models import ListPreference

    key = "find_persons" if target == "person" else "find_companies"
    ListPreference.objects.create(
        user=rep,
        key=key,
        columns=[
            "name",
            "company",
            "category",
            "category_group",
            "lead_status",
            "owner",
            "lead_source",
        ],
    )

    def grow(n):
        for _ in range(n):
            company = CompanyFactory(category=category("Lead"), owner=rep)
            PersonFactory(company=company, lead_status=status("Qualifiziert"), owner=rep)

    params = _query(
        target,
        criteria=[
            ("person.lead_status", "in", [status("Qualifiziert").pk]),
            ("company.category_group", "in", [category_group("Potenzieller Kunde").pk]),
        ],
    )
    grow(2)
    with CaptureQueriesContext(connection) as small:
        assert rep_client.get(reverse("contacts:find"), params).status_code == 200
    grow(10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = rep_client.get(reverse("contacts:find"), params)
    model = Person if target == "person" else Company
    assert model.objects.count() >= 12 and response.status_code == 200


def test_stored_criterion_with_deleted_id_matches_nothing_instead_of_everything(world):
    rows = search.apply_criteria(
        "person", [{"field": "person.lead_status", "op": "in", "values": ["999999"]}]
    )
    assert list(rows) == []


def test_find_htmx_shows_warnings_in_the_fragment(rep_client, world):
    response = rep_client.get(
        reverse("contacts:find"),
        {"c0_field": "person.lead_status", "c0_op": "in", "c0_val": "999999"},
        headers={"HX-Request": "true", "HX-Target": "find-page"},
    )
    assert "Ungültige Auswahl für „Lead-Status“" in response.content.decode()


def test_results_show_lead_source_column(rep_client, rep, world):
    from accounts.models import ListPreference

    ListPreference.objects.create(user=rep, key="find_persons", columns=["name", "lead_source"])
    params = _query(criteria=[("person.name", "contains", ["Adler"])])
    body = rep_client.get(reverse("contacts:find"), params).content.decode()
    assert '<th scope="col">Quelle</th>' in body and "linkedin" in body
