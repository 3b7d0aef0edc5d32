"""The API's lead writes need a Verlustgrund for Disqualifiziert and Geschlossen (issue
#17): by id or by name, a 400 naming the field when it is missing or unknown."""

import pytest

from leads.models import LostReason
from leads.services.lead import lead_create
from tests import factories as f
from tests.factories.leads import lead_data

pytestmark = pytest.mark.django_db

REQUIRED = "Bitte einen Verlustgrund angeben."


def reason(name="Kein Budget") -> LostReason:
    return LostReason.objects.get(name=name)


def test_api_refuses_a_lost_status_without_reason_and_accepts_name_or_id(rep, rep_api):
    lead = lead_create(data=lead_data(), user=rep).lead
    url = f"/api/v1/leads/{lead.pk}/"
    lost = f.status("Disqualifiziert").pk
    refused = rep_api.patch(url, {"status": lost}, format="json", HTTP_IF_MATCH='"1"')
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {"lost_reason": [REQUIRED]}
    bogus = rep_api.patch(
        url, {"status": lost, "lost_reason": "Gibt es nicht"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert bogus.status_code == 400 and "lost_reason" in bogus.json()["error"]["fields"]
    ok = rep_api.patch(
        url,
        {"status": lost, "lost_reason": "kein bedarf", "lost_note": "Hat schon eine Anlage"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert ok.status_code == 200, ok.json()
    assert ok.json()["lost_reason"] == reason("Kein Bedarf").pk
    status_url = f"{url}status/"
    back = rep_api.post(
        status_url, {"status": f.status("Geschlossen").pk}, format="json", HTTP_IF_MATCH='"2"'
    )
    assert back.status_code == 200  # the lead keeps its active reason
    assert back.json()["lost_reason"] == reason("Kein Bedarf").pk


def test_api_status_action_needs_the_reason(rep, rep_api):
    lead = lead_create(data=lead_data(), user=rep).lead
    url = f"/api/v1/leads/{lead.pk}/status/"
    closed = f.status("Geschlossen").pk
    refused = rep_api.post(url, {"status": closed}, format="json", HTTP_IF_MATCH='"1"')
    assert refused.status_code == 400 and REQUIRED in refused.json()["error"]["message"]
    for bogus in (True, [1], {"id": 1}, 10**12):
        response = rep_api.post(
            url, {"status": closed, "lost_reason": bogus}, format="json", HTTP_IF_MATCH='"1"'
        )
        assert response.status_code == 400
    ok = rep_api.post(
        url,
        {"status": closed, "lost_reason": reason().pk},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert ok.status_code == 200 and ok.json()["lost_reason"] == reason().pk
