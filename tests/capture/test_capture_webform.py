"""Web-to-lead: capture with UTM data, spam defences (honeypot, speed, rate limit, sizes),
duplicates attach a note, framing only for this view, double opt-in mail."""

import time

import pytest
from django.core import mail, signing
from django.urls import reverse

from activities.models import ActivityKind
from capture.views.webform import TIMESTAMP_SALT
from leads.models import (
    AssignmentMember,
    AssignmentRule,
    CaptureChannel,
    ConsentAction,
    ConsentRecord,
    Lead,
)
from tests.factories import CampaignFactory, LeadFactory, UserFactory, status

pytestmark = pytest.mark.django_db

UTM = {
    "utm_source": "newsletter",
    "utm_medium": "email",
    "utm_campaign": "fruehjahr",
    "utm_term": "photovoltaik gewerbe",
    "utm_content": "banner-oben",
}


@pytest.fixture
def campaign():
    return CampaignFactory(
        name="Photovoltaik-Check 2026",
        slug="pv-check",
        web_form_enabled=True,
        consent_text="Ich möchte Informationen zu Photovoltaik per E-Mail erhalten.",
        consent_version="2026-1",
    )


def ts(campaign, age=10.0):
    return signing.dumps({"t": time.time() - age, "c": campaign.pk}, salt=TIMESTAMP_SALT)


def payload(campaign, **extra):
    data = {
        "salutation": "Frau",
        "first_name": "Julia",
        "last_name": "Schneider",
        "company_name": "Sonnenhof Energie GmbH",
        "email": "julia.schneider@sonnenhof-energie.de",
        "phone": "089 1234567",
        "postal_code": "80331",
        "city": "München",
        "message": "Bitte um Rückruf zu einer PV-Anlage auf dem Hallendach.",
        "landing_page": "https://www.example-energie.de/pv-check",
        "referrer": "https://www.google.de/",
        "ts": ts(campaign),
        "homepage": "",
        **UTM,
    }
    data.update(extra)
    return data


def url(campaign):
    return reverse("capture:web_form", args=[campaign.slug])


@pytest.mark.smoke
def test_form_creates_lead_with_utm_and_distribution(client, campaign):
    rep = UserFactory(username="pv-rep")
    rule = AssignmentRule.objects.create(name="Web", rank=1)
    rule.campaigns.add(campaign)
    AssignmentMember.objects.create(rule=rule, user=rep)
    response = client.post(url(campaign), payload(campaign), REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 302
    lead = Lead.objects.get()
    assert lead.capture_channel == CaptureChannel.WEB_FORM
    assert lead.campaign == campaign
    assert (lead.utm_source, lead.utm_medium, lead.utm_campaign) == (
        "newsletter",
        "email",
        "fruehjahr",
    )
    assert lead.utm_term == "photovoltaik gewerbe" and lead.utm_content == "banner-oben"
    assert lead.landing_page == "https://www.example-energie.de/pv-check"
    assert lead.referrer == "https://www.google.de/"
    assert lead.phone.as_e164 == "+49891234567"
    assert lead.follow_up_by == rep
    assert lead.source.name == "Webseite"
    assert ConsentRecord.objects.count() == 0  # consent not ticked


def test_get_carries_utm_into_hidden_fields_and_allows_framing(client, campaign, settings):
    settings.LEADCRM_WEBFORM_FRAME_ANCESTORS = ["'self'", "https://www.example-energie.de"]
    response = client.get(url(campaign) + "?utm_source=newsletter&utm_medium=email")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="utm_source" value="newsletter"' in html
    assert 'name="utm_medium" value="email"' in html
    assert "X-Frame-Options" not in response.headers
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://www.example-energie.de" in csp
    assert campaign.consent_text in html


def test_other_pages_still_refuse_framing(rep_client):
    response = rep_client.get(reverse("capture:import_upload"))
    assert response.headers["X-Frame-Options"] == "DENY"


def test_disabled_campaign_is_404(client):
    campaign = CampaignFactory(slug="aus", web_form_enabled=False)
    assert client.get(url(campaign)).status_code == 404


def test_honeypot_creates_nothing(client, campaign):
    response = client.post(url(campaign), payload(campaign, homepage="http://spam.example"))
    assert response.status_code == 302  # looks like success to the bot
    assert Lead.objects.count() == 0


def test_too_fast_creates_nothing(client, campaign):
    response = client.post(url(campaign), payload(campaign, ts=ts(campaign, age=0.5)))
    assert response.status_code == 400
    assert "zu schnell" in response.content.decode()
    assert Lead.objects.count() == 0


@pytest.mark.parametrize(
    "bad_ts",
    ["", "kaputt", signing.dumps({"t": 0, "c": 1}, salt="other")],
    ids=["missing", "garbage", "wrong-salt"],
)
def test_forged_or_missing_timestamp_creates_nothing(client, campaign, bad_ts):
    response = client.post(url(campaign), payload(campaign, ts=bad_ts))
    assert response.status_code == 400
    assert Lead.objects.count() == 0


def test_expired_form_creates_nothing(client, campaign):
    response = client.post(url(campaign), payload(campaign, ts=ts(campaign, age=3 * 3600)))
    assert response.status_code == 400
    assert Lead.objects.count() == 0


def test_size_limits(client, campaign):
    response = client.post(url(campaign), payload(campaign, message="x" * 2001))
    assert response.status_code == 400
    assert Lead.objects.count() == 0
    response = client.post(url(campaign), payload(campaign, last_name="y" * 101))
    assert response.status_code == 400


def test_invalid_email_shows_german_error(client, campaign):
    response = client.post(url(campaign), payload(campaign, email="keine-mail"))
    assert response.status_code == 400
    assert "gültige E-Mail" in response.content.decode()


def test_rate_limit_flood_is_429_and_creates_nothing(client, campaign, frozen_time):
    """All posts fall into one rate window: the clock is frozen, not the wall clock."""
    for i in range(5):
        response = client.post(
            url(campaign),
            payload(campaign, email=f"person{i}@firma-{i}.de"),
            REMOTE_ADDR="198.51.100.7",
        )
        assert response.status_code == 302
    assert Lead.objects.count() == 5
    for i in range(5, 8):
        response = client.post(
            url(campaign),
            payload(campaign, email=f"person{i}@firma-{i}.de"),
            REMOTE_ADDR="198.51.100.7",
        )
        assert response.status_code == 429
    assert Lead.objects.count() == 5
    # another visitor is not affected
    response = client.post(
        url(campaign), payload(campaign, email="andere@firma.de"), REMOTE_ADDR="198.51.100.8"
    )
    assert response.status_code == 302


def test_rate_limit_window_passes(client, campaign, frozen_time):
    """After the minute window the visitor may post again (the hour window still counts)."""
    for i in range(6):
        response = client.post(
            url(campaign),
            payload(campaign, email=f"person{i}@firma-{i}.de"),
            REMOTE_ADDR="198.51.100.9",
        )
    assert response.status_code == 429
    frozen_time(61)
    response = client.post(
        url(campaign), payload(campaign, email="spaeter@firma.de"), REMOTE_ADDR="198.51.100.9"
    )
    assert response.status_code == 302


def test_repeat_request_attaches_note_to_open_lead(client, campaign):
    existing = LeadFactory(email="Julia.Schneider@sonnenhof-energie.de")
    response = client.post(url(campaign), payload(campaign))
    assert response.status_code == 302
    assert Lead.objects.count() == 1
    note = existing.activities.get()
    assert note.kind == ActivityKind.NOTE
    assert note.subject.startswith("Erneute Webanfrage")
    assert "Hallendach" in note.body and "newsletter" in note.body


def test_converted_lead_does_not_swallow_new_request(client, campaign):
    LeadFactory(email="julia.schneider@sonnenhof-energie.de", status=status("Konvertiert"))
    client.post(url(campaign), payload(campaign))
    assert Lead.objects.count() == 2


def test_marketing_consent_starts_double_opt_in(
    client, campaign, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(campaign),
            payload(campaign, marketing_consent="on"),
            REMOTE_ADDR="203.0.113.9",
            HTTP_USER_AGENT="Mozilla/5.0 Testbrowser",
        )
    assert response.status_code == 302
    record = ConsentRecord.objects.get()
    assert record.action == ConsentAction.REQUESTED
    assert record.text_version == "2026-1"
    assert record.text == campaign.consent_text
    assert record.ip_address == "203.0.113.9"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["julia.schneider@sonnenhof-energie.de"]
    assert "/leads/einwilligung/bestaetigen/" in message.body
    assert "/leads/einwilligung/widerrufen/" in message.body


def test_thanks_page_is_public(client, campaign):
    response = client.get(reverse("capture:web_form_thanks", args=[campaign.slug]))
    assert response.status_code == 200
    assert "Vielen Dank" in response.content.decode()


def test_form_query_count_does_not_grow(client, campaign, django_assert_max_num_queries):
    for _i in range(3):
        LeadFactory()
    with django_assert_max_num_queries(6):
        client.get(url(campaign))
    for _i in range(30):
        LeadFactory()
    with django_assert_max_num_queries(6):
        client.get(url(campaign))


@pytest.mark.redis
def test_rate_limit_on_redis_cache(client, campaign):
    from django.core.cache import cache

    cache.clear()
    codes = [
        client.post(
            url(campaign), payload(campaign, email=f"r{i}@firma.de"), REMOTE_ADDR="192.0.2.77"
        ).status_code
        for i in range(7)
    ]
    assert codes == [302] * 5 + [429] * 2
    assert Lead.objects.count() == 5


def test_embedded_form_needs_no_csrf_cookie(campaign):
    """Inside a third-party iframe the browser does not send our (SameSite) CSRF cookie."""
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(url(campaign), payload(campaign))
    assert response.status_code == 302
    assert Lead.objects.count() == 1


def test_rate_limit_behind_proxy_counts_the_client_not_the_proxy(client, campaign, settings):
    """Behind one trusted proxy every request comes from the proxy's address: the limit
    must count the visitor from X-Forwarded-For, and a forged left part changes nothing."""
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"

    def post(n: int, forwarded_for: str):
        return client.post(
            url(campaign),
            payload(campaign, email=f"p{n}@firma-{n}.de"),
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=forwarded_for,
        )

    # one visitor, each time claiming another origin in front of what the proxy appended
    codes = [post(i, f"192.0.2.{i}, 198.51.100.20").status_code for i in range(7)]
    assert codes == [302] * 5 + [429] * 2
    assert Lead.objects.count() == 5
    # another visitor behind the same proxy is not affected
    assert post(9, "198.51.100.21").status_code == 302
    assert Lead.objects.count() == 6


def test_consent_records_the_client_address_behind_proxy(
    client, campaign, settings, django_capture_on_commit_callbacks
):
    settings.TRUSTED_PROXY_COUNT = 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(campaign),
            payload(campaign, marketing_consent="on"),
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        )
    assert response.status_code == 302
    assert ConsentRecord.objects.get().ip_address == "203.0.113.9"
