"""Personal API tokens: shown once, stored hashed, scoped, expiring, revocable."""

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken, TokenScope
from accounts.tokens import api_token_create, hash_secret
from api.throttling import TokenRateThrottle
from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db


def test_profile_creates_token_shows_it_once_and_stores_only_the_hash(rep_client, rep):
    response = rep_client.post(
        reverse("accounts:token_create"), {"name": "Website", "scope": "write"}
    )
    assert response.status_code == 200
    secret = response.context["new_secret"]
    assert secret.startswith("lcrm_") and secret in response.content.decode()
    token = ApiToken.objects.get(user=rep)
    assert token.key_hash == hash_secret(secret) and secret not in token.key_hash
    assert token.scope == TokenScope.WRITE
    # the next page view lists the token but never shows the secret again
    page = rep_client.get(reverse("accounts:profile")).content.decode()
    assert "Website" in page and secret not in page


def test_profile_token_without_name_is_refused(rep_client):
    response = rep_client.post(reverse("accounts:token_create"), {"name": "", "scope": "read"})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_token_authenticates_and_records_last_use(rep):
    client = token_client(rep, TokenScope.READ)
    assert client.get("/api/v1/leads/").status_code == 200
    client.token.refresh_from_db()
    assert client.token.last_used_at is not None


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer lcrm_falsch", "Token lcrm_x", "Bearer a b"],
)
def test_missing_or_wrong_token_answers_401_in_the_error_shape(header, rep):
    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/leads/")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert set(response.json()["error"]) == {"code", "message", "fields"}


def test_revoked_and_expired_tokens_are_refused(rep, rep_client):
    client = token_client(rep)
    rep_client.post(reverse("accounts:token_revoke", args=[client.token.pk]))
    assert client.get("/api/v1/leads/").status_code == 401

    token, secret = api_token_create(
        user=rep, name="kurz", scope="read", expires_at=timezone.now() + dt.timedelta(hours=1)
    )
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(1))
    expired = APIClient()
    expired.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert expired.get("/api/v1/leads/").status_code == 401


def test_token_of_a_deactivated_user_is_refused(rep):
    client = token_client(rep)
    rep.is_active = False
    rep.save()
    assert client.get("/api/v1/leads/").status_code == 401


def test_user_cannot_revoke_someone_elses_token_but_admin_can(
    rep, rep_client, teammate, admin_client_staff
):
    client = token_client(teammate)
    assert (
        rep_client.post(reverse("accounts:token_revoke", args=[client.token.pk])).status_code == 404
    )
    client.token.refresh_from_db()
    assert client.token.revoked_at is None
    response = admin_client_staff.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [client.token.pk]},
    )
    assert response.status_code == 302
    client.token.refresh_from_db()
    assert client.token.revoked_at is not None


def test_read_token_cannot_write(rep):
    client = token_client(rep, TokenScope.READ)
    response = client.post(
        "/api/v1/leads/", {"last_name": "X", "email": "x@example.de"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_outsider_token_is_refused(outsider):
    assert token_client(outsider).get("/api/v1/leads/").status_code == 403


def test_session_login_does_not_authorise_the_api(rep_client):
    assert rep_client.get("/api/v1/leads/").status_code == 401


def test_rate_limit_answers_429_with_retry_after(rep, monkeypatch):
    # the throttle reads its rates once at import; a low rate for this test only
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "3/min"})
    client = token_client(rep)
    other = token_client(rep, name="zweites")
    codes = [client.get("/api/v1/statuses/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = client.get("/api/v1/statuses/")
    assert int(limited.headers["Retry-After"]) > 0
    assert limited.json()["error"]["code"] == "throttled"
    # the limit is per token
    assert other.get("/api/v1/statuses/").status_code == 200


def test_rate_limit_survives_an_unreachable_cache(rep, monkeypatch):
    """Redis down: the API still answers (counted per process), never a 500."""
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "2/min"})
    client = token_client(rep)
    down = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    with override_settings(CACHES=down):
        codes = [client.get("/api/v1/statuses/").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
