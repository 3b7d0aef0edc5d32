"""Prometheus metrics at /metrics (leadcrm/metrics.py): staff sessions and a scraper with
the bearer token read them, nobody else; only django-prometheus's middlewares are used
(the database and cache backends stay Django's own)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

TOKEN = "t" * 40

pytestmark = pytest.mark.django_db


def test_staff_reads_request_metrics(admin_client_staff, rep_client):
    rep_client.get(reverse("leads:list"))
    response = admin_client_staff.get(reverse("metrics"))
    assert response.status_code == 200
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/plain")
    assert "django_http_requests_total_by_view_transport_method_total" in text
    assert 'view="leads:list"' in text
    assert "django_http_requests_latency_seconds_by_view_method" in text


def test_others_are_refused(rep_client, outsider_client, client):
    assert rep_client.get(reverse("metrics")).status_code == 403
    assert outsider_client.get(reverse("metrics")).status_code == 403
    anonymous = client.get(reverse("metrics"))
    assert anonymous.status_code == 302 and reverse("login") in anonymous["Location"]
    assert rep_client.post(reverse("metrics")).status_code == 405
    assert client.post(reverse("metrics")).status_code == 302


def test_scraper_with_the_token(client, settings):
    settings.METRICS_TOKEN = TOKEN
    ok = client.get(reverse("metrics"), HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert ok.status_code == 200 and b"django_http_" in ok.content
    wrong = client.get(reverse("metrics"), HTTP_AUTHORIZATION=f"Bearer {TOKEN[:-1]}x")
    assert wrong.status_code == 302


def test_staff_may_only_read(admin_client_staff):
    assert admin_client_staff.post(reverse("metrics")).status_code == 405


def test_no_token_configured_means_no_token_access(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get(reverse("metrics"), HTTP_AUTHORIZATION="Bearer ").status_code == 302


def test_database_and_cache_backends_are_not_wrapped():
    assert not settings.DATABASES["default"]["ENGINE"].startswith("django_prometheus")
    assert not any(c["BACKEND"].startswith("django_prometheus") for c in settings.CACHES.values())
    assert "django_prometheus" not in settings.INSTALLED_APPS  # middleware + view only
    assert settings.MIDDLEWARE[0] == "django_prometheus.middleware.PrometheusBeforeMiddleware"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
