"""Schema and docs (session only, vendored assets, no inline script), the other resources."""

import pytest
from django.urls import reverse

from accounts.models import TokenScope
from contacts.models import Company
from tests.api.conftest import token_client
from tests.factories import (
    ActivityFactory,
    CompanyFactory,
    LeadFactory,
    NotificationFactory,
    OpportunityFactory,
    PersonFactory,
)
from ui.history import history_rows

pytestmark = pytest.mark.django_db


def test_schema_is_openapi_3_for_a_logged_in_user(rep_client):
    response = rep_client.get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/leads/" in schema["paths"]
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_docs_page_uses_vendored_assets_and_no_inline_script(rep_client):
    page = rep_client.get(reverse("api:docs"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "<script>" not in html and "<style" not in html and "style=" not in html
    assert "script-src 'self'" in page["Content-Security-Policy"]
    script = rep_client.get(reverse("api:docs") + "?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")


def test_docs_and_schema_need_a_login_and_a_role(client, outsider_client):
    assert client.get(reverse("api:docs")).status_code == 302
    assert outsider_client.get(reverse("api:schema")).status_code == 403


def test_token_does_not_open_the_docs(rep):
    assert token_client(rep).get(reverse("api:schema")).status_code == 302  # to the login


def test_persons_companies_activities_opportunities_read(rep_api):
    person = PersonFactory()
    ActivityFactory()
    OpportunityFactory()
    assert rep_api.get(f"/api/v1/persons/{person.pk}/").json()["last_name"] == person.last_name
    for name in ("persons", "companies", "activities", "opportunities"):
        response = rep_api.get(f"/api/v1/{name}/")
        assert response.status_code == 200 and response.json()["results"], name


def test_company_create_through_the_service(rep_api, rep):
    response = rep_api.post("/api/v1/companies/", {"name": "Neue Solar GmbH"}, format="json")
    assert response.status_code == 201, response.json()
    company = Company.objects.get(name="Neue Solar GmbH")
    assert company.owner == rep
    # the company's history names the token too, and its page says so (ui.history)
    assert company.history.earliest().history_change_reason == "api=Zapier"
    assert history_rows(company.history, Company)[-1]["via_api"] == "Zapier"


def test_ui_writes_carry_no_api_tag(rep):
    company = CompanyFactory()
    assert not company.history.earliest().history_change_reason


def test_opportunity_patch_with_if_match(manager_api):
    opportunity = OpportunityFactory(version=1)
    url = f"/api/v1/opportunities/{opportunity.pk}/"
    assert manager_api.get(url).headers["ETag"] == '"1"'
    assert manager_api.patch(url, {"title": "X"}, format="json").status_code == 428
    ok = manager_api.patch(url, {"title": "X"}, format="json", HTTP_IF_MATCH='"1"')
    assert ok.status_code == 200 and ok.json()["title"] == "X"
    assert (
        manager_api.patch(url, {"title": "Y"}, format="json", HTTP_IF_MATCH='"1"').status_code
        == 412
    )


def test_opportunity_of_someone_else_is_not_editable_for_a_rep(rep_api, teammate):
    opportunity = OpportunityFactory(version=1, owner=teammate)
    response = rep_api.patch(
        f"/api/v1/opportunities/{opportunity.pk}/", {"title": "X"}, format="json", HTTP_IF_MATCH="1"
    )
    assert response.status_code == 403


def test_opportunity_create_needs_a_converted_lead(manager_api):
    lead = LeadFactory()
    company = CompanyFactory()
    response = manager_api.post(
        "/api/v1/opportunities/",
        {"kind": "offer", "title": "PV", "company": company.pk, "lead": lead.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "lead" in response.json()["error"]["fields"]


def test_notifications_only_own_and_mark_read(rep, teammate):
    mine = NotificationFactory(recipient=rep)
    other = NotificationFactory(recipient=teammate)
    client = token_client(rep, TokenScope.WRITE)
    ids = [n["id"] for n in client.get("/api/v1/notifications/").json()["results"]]
    assert ids == [mine.pk]
    assert client.post(f"/api/v1/notifications/{other.pk}/read/").status_code == 404
    response = client.post(f"/api/v1/notifications/{mine.pk}/read/")
    assert response.status_code == 200 and response.json()["read_at"]


@pytest.mark.parametrize(
    "name", ["statuses", "sources", "types", "interests", "campaigns", "users"]
)
def test_lists_are_read_only(rep_api, name):
    response = rep_api.get(f"/api/v1/{name}/")
    assert response.status_code == 200
    assert isinstance(response.json(), list)
    assert rep_api.post(f"/api/v1/{name}/", {"name": "x"}, format="json").status_code == 405


@pytest.mark.parametrize(
    ("name", "factory"),
    [
        ("opportunities", OpportunityFactory),
        ("persons", PersonFactory),
        ("companies", CompanyFactory),
        ("activities", ActivityFactory),
    ],
)
def test_list_query_counts_do_not_grow(rep_api, name, factory, django_assert_max_num_queries):
    factory.create_batch(2)
    with django_assert_max_num_queries(15) as small:
        rep_api.get(f"/api/v1/{name}/")
    factory.create_batch(15)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(rep_api.get(f"/api/v1/{name}/").json()["results"]) >= 17
