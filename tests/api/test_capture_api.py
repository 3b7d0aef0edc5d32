"""POST /api/v1/capture/<campaign>/: the web form's rules as JSON, CORS per campaign."""

import pytest

from activities.models import ActivityKind
from leads.models import CaptureChannel, ConsentRecord, Lead
from tests.factories import CampaignFactory, LeadFactory

pytestmark = pytest.mark.django_db

ORIGIN = "https://www.solar-beispiel.de"


@pytest.fixture
def campaign():
    return CampaignFactory(
        name="Website", slug="website", web_form_enabled=True, allowed_origins=ORIGIN + "\n"
    )


def _post(client, campaign, payload, **headers):
    return client.post(
        f"/api/v1/capture/{campaign.slug}/", payload, content_type="application/json", **headers
    )


def test_creates_a_lead_with_utm_and_channel(client, campaign):
    response = _post(
        client,
        campaign,
        {"last_name": "Sommer", "email": "sommer@kunde-beispiel.de", "utm_source": "newsletter"},
    )
    assert response.status_code == 202
    assert response.json() == {"status": "accepted"}
    lead = Lead.objects.get()
    assert lead.capture_channel == CaptureChannel.WEB_FORM
    assert lead.utm_source == "newsletter" and lead.campaign == campaign


def test_validation_errors_in_the_error_shape(client, campaign):
    response = _post(client, campaign, {"email": "kein-mail"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert {"email", "last_name"} <= set(error["fields"])
    assert not Lead.objects.exists()


@pytest.mark.parametrize("body", ["kein json", "[1, 2]", "x" * 40000])
def test_bad_json_is_a_400_not_a_500(client, campaign, body):
    response = client.post(
        f"/api/v1/capture/{campaign.slug}/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_json"


def test_honeypot_looks_like_success_but_creates_nothing(client, campaign):
    response = _post(
        client, campaign, {"last_name": "Bot", "email": "bot@spam.de", "homepage": "http://x"}
    )
    assert response.status_code == 202
    assert not Lead.objects.exists()


def test_known_address_becomes_a_note_and_the_answer_does_not_tell(client, campaign):
    lead = LeadFactory(email="bekannt@kunde-beispiel.de")
    response = _post(client, campaign, {"last_name": "X", "email": "Bekannt@kunde-beispiel.de"})
    assert response.status_code == 202 and response.json() == {"status": "accepted"}
    assert Lead.objects.count() == 1
    assert lead.activities.filter(kind=ActivityKind.NOTE).count() == 1


def test_marketing_consent_starts_double_opt_in(client, campaign, mailoutbox):
    _post(
        client,
        campaign,
        {"last_name": "Sommer", "email": "s@kunde-beispiel.de", "marketing_consent": True},
    )
    assert ConsentRecord.objects.filter(action="requested").count() == 1


def test_preflight_for_an_allowed_origin(client, campaign):
    response = client.options(f"/api/v1/capture/{campaign.slug}/", HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    assert "POST" in response["Access-Control-Allow-Methods"]
    posted = _post(client, campaign, {"last_name": "A", "email": "a@b.de"}, HTTP_ORIGIN=ORIGIN)
    assert posted.status_code == 202 and posted["Access-Control-Allow-Origin"] == ORIGIN


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "http://www.solar-beispiel.de"])
def test_other_origins_get_no_cors_and_create_nothing(client, campaign, origin):
    preflight = client.options(f"/api/v1/capture/{campaign.slug}/", HTTP_ORIGIN=origin)
    assert preflight.status_code == 403
    assert "Access-Control-Allow-Origin" not in preflight
    posted = _post(client, campaign, {"last_name": "A", "email": "a@b.de"}, HTTP_ORIGIN=origin)
    assert posted.status_code == 403
    assert not Lead.objects.exists()


def test_unknown_or_disabled_campaign_is_404(client):
    off = CampaignFactory(slug="aus", web_form_enabled=False)
    assert _post(client, off, {"last_name": "A", "email": "a@b.de"}).status_code == 404
    assert client.post("/api/v1/capture/gibtsnicht/", {}).status_code == 404


def test_rate_limit_answers_429_with_retry_after(client, campaign):
    codes = [
        _post(client, campaign, {"last_name": "A", "email": f"a{n}@b.de"}).status_code
        for n in range(6)
    ]
    assert codes == [202] * 5 + [429]
    assert _post(client, campaign, {"last_name": "A", "email": "z@b.de"})["Retry-After"] == "60"


def test_get_is_refused(client, campaign):
    assert client.get(f"/api/v1/capture/{campaign.slug}/").status_code == 405
