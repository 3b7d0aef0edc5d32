"""/api/v1/leads/: the lead list's filters, cursor paging, the services for writes,
optimistic locking with ETag/If-Match, the mask's permission predicates."""

import pytest

from accounts.models import TokenScope
from contacts.models import LeadStatus
from leads.models import Lead, LeadStatusChange
from leads.selectors import lead_history
from tests.api.conftest import token_client
from tests.factories import LeadFactory, default_status
from tests.factories.leads import lead_data

pytestmark = pytest.mark.django_db


def test_list_uses_the_lead_list_filters_and_cursor_paging(rep_api, django_assert_max_num_queries):
    LeadFactory.create_batch(5, city="Bremen", score=80)
    LeadFactory.create_batch(3, city="Köln", score=10)
    response = rep_api.get("/api/v1/leads/", {"q": "Bremen", "page_size": 2})
    assert response.status_code == 200
    body = response.json()
    assert [r["city"] for r in body["results"]] == ["Bremen", "Bremen"]
    seen = [r["id"] for r in body["results"]]
    while body["next"]:
        body = rep_api.get(body["next"]).json()
        seen += [r["id"] for r in body["results"]]
    assert len(seen) == len(set(seen)) == 5
    assert rep_api.get("/api/v1/leads/", {"score_min": 50}).json()["results"].__len__() == 5


def test_list_query_count_does_not_grow(rep_api, django_assert_max_num_queries):
    LeadFactory.create_batch(3, interests=["Windkraft"])
    with django_assert_max_num_queries(12) as small:
        rep_api.get("/api/v1/leads/")
    LeadFactory.create_batch(20, interests=["Windkraft"])
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(rep_api.get("/api/v1/leads/").json()["results"]) == 23


def test_invalid_filter_is_a_400_with_fields(rep_api):
    response = rep_api.get("/api/v1/leads/", {"score_min": "viel"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error" and "score_min" in error["fields"]


def test_retrieve_sends_the_version_as_etag(rep_api):
    lead = LeadFactory(version=4)
    response = rep_api.get(f"/api/v1/leads/{lead.pk}/")
    assert response.status_code == 200
    assert response.headers["ETag"] == '"4"'
    assert response.json()["number"] == lead.number


def test_create_goes_through_the_service_and_history_names_the_token(rep_api, rep):
    response = rep_api.post(
        "/api/v1/leads/", lead_data(first_name="Eva", city="Kiel"), format="json"
    )
    assert response.status_code == 201, response.json()
    lead = Lead.objects.get(pk=response.json()["id"])
    assert lead.number and lead.version == 1 and lead.status == default_status()
    assert lead.created_by == rep
    assert LeadStatusChange.objects.filter(lead=lead).count() == 1
    record = lead.history.earliest()
    assert record.history_change_reason == "v=1;api=Zapier"
    assert lead_history(lead)[-1]["api_token"] == "Zapier"
    assert response.headers["ETag"] == '"1"'


def test_create_refused_by_the_service_rule_is_a_400(rep_api):
    response = rep_api.post("/api/v1/leads/", {"city": "Kiel"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert not Lead.objects.exists()


def test_unknown_field_type_is_refused(rep_api):
    response = rep_api.post("/api/v1/leads/", lead_data(status=999999), format="json")
    assert response.status_code == 400
    assert "status" in response.json()["error"]["fields"]


def test_patch_needs_if_match_and_refuses_a_stale_version(rep_api, rep):
    lead = LeadFactory(follow_up_by=rep, version=2)
    url = f"/api/v1/leads/{lead.pk}/"
    assert rep_api.patch(url, {"city": "Ulm"}, format="json").status_code == 428
    stale = rep_api.patch(url, {"city": "Ulm"}, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    assert stale.json()["error"]["code"] == "conflict"
    ok = rep_api.patch(url, {"city": "Ulm"}, format="json", HTTP_IF_MATCH='"2"')
    assert ok.status_code == 200, ok.json()
    assert ok.headers["ETag"] == '"3"'
    lead.refresh_from_db()
    assert lead.city == "Ulm" and lead.version == 3
    assert lead.history.latest().history_change_reason == "v=3;api=Zapier"
    # the conflict description still reads the version tag next to the token name
    assert (
        rep_api.patch(url, {"city": "Jena"}, format="json", HTTP_IF_MATCH='"3"').status_code == 200
    )
    again = rep_api.patch(url, {"city": "Gera"}, format="json", HTTP_IF_MATCH='"3"')
    assert again.status_code == 412
    assert "Ort" in again.json()["error"]["message"]
    assert again.headers["ETag"] == '"4"'


def test_patch_follows_the_mask_permissions(rep_api, teammate):
    lead = LeadFactory(follow_up_by=teammate)
    response = rep_api.patch(
        f"/api/v1/leads/{lead.pk}/", {"city": "Ulm"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 403
    lead.refresh_from_db()
    assert lead.city != "Ulm"


def test_manager_edits_someone_elses_lead(manager_api, teammate):
    lead = LeadFactory(follow_up_by=teammate, version=1)
    response = manager_api.patch(
        f"/api/v1/leads/{lead.pk}/", {"city": "Ulm"}, format="json", HTTP_IF_MATCH="1"
    )
    assert response.status_code == 200


def test_status_change_through_the_service(rep_api, rep):
    lead = LeadFactory(follow_up_by=rep, version=1)
    target = LeadStatus.objects.get(name="Kontaktiert")
    url = f"/api/v1/leads/{lead.pk}/status/"
    response = rep_api.post(url, {"status": target.pk}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 200, response.json()
    lead.refresh_from_db()
    assert lead.status == target
    assert LeadStatusChange.objects.filter(lead=lead, to_status=target).exists()


def test_read_token_reads_but_does_not_patch(rep):
    client = token_client(rep, TokenScope.READ)
    lead = LeadFactory(follow_up_by=rep)
    assert client.get(f"/api/v1/leads/{lead.pk}/").status_code == 200
    response = client.patch(
        f"/api/v1/leads/{lead.pk}/", {"city": "Ulm"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 403


def test_error_message_in_the_requested_language(rep_api):
    german = rep_api.get("/api/v1/leads/999999/", HTTP_ACCEPT_LANGUAGE="de")
    english = rep_api.get("/api/v1/leads/999999/", HTTP_ACCEPT_LANGUAGE="en")
    assert german.status_code == english.status_code == 404
    assert german.json()["error"]["message"] != english.json()["error"]["message"]
    assert english.json()["error"]["message"] == "Not found."


def test_conversion_through_the_service(rep_api, rep):
    lead = LeadFactory(follow_up_by=rep, version=1, company_name="Sonnen GmbH")
    body = {
        "company_data": {"name": "Sonnen GmbH"},
        "person_data": {"last_name": "Berg", "first_name": "Eva"},
        "opportunity": {"kind": "offer", "title": "PV-Anlage", "amount": "12000.00"},
    }
    url = f"/api/v1/leads/{lead.pk}/convert/"
    assert rep_api.post(url, body, format="json", HTTP_IF_MATCH='"0"').status_code == 412
    response = rep_api.post(url, body, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 200, response.json()
    lead.refresh_from_db()
    assert lead.converted_at is not None and lead.customer.name == "Sonnen GmbH"
    assert response.json()["opportunity"] is not None
    # converted: the wizard's rule refuses a second conversion
    again = rep_api.post(url, body, format="json", HTTP_IF_MATCH=response.headers["ETag"])
    assert again.status_code == 400


def test_conversion_of_someone_elses_lead_is_refused(rep_api, teammate):
    lead = LeadFactory(follow_up_by=teammate, version=1)
    response = rep_api.post(
        f"/api/v1/leads/{lead.pk}/convert/",
        {"company_data": {"name": "X"}, "person_data": {"last_name": "Y"}},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 403
    lead.refresh_from_db()
    assert lead.converted_at is None
