"""Liveness and readiness (leadcrm/health.py): live answers 200 whatever is down; ready
answers 503 naming the failing check — a broker that refuses connections (a wrong broker
URL, no mock), unapplied migrations, a storage that cannot write — and 200 when all is up.
Neither needs a login nor tells anything about the data."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.urls import reverse

from leadcrm import health

# a port nothing listens on: connection refused at once
DEAD_REDIS = "redis://127.0.0.1:9/0"


@pytest.fixture
def good_broker(settings, tmp_path):
    """The file-system broker in a temp dir: a broker that is always reachable."""
    settings.CELERY_BROKER_URL = "filesystem://"
    folder = str(tmp_path / "broker")
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": folder,
        "data_folder_out": folder,
        "control_folder": folder,
    }
    (tmp_path / "broker").mkdir()


@pytest.mark.django_db(transaction=True)
def test_ready_is_200_when_everything_is_up(client, good_broker):
    response = client.get(reverse("health_ready"))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body == {
        "status": "ok",
        "checks": {n: "ok" for n in ("database", "cache", "broker", "storage", "migrations")},
    }
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db(transaction=True)
def test_ready_names_the_broker_when_it_is_down(client, settings):
    settings.CELERY_BROKER_URL = DEAD_REDIS
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    response = client.get(reverse("health_ready"))
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["broker"]
    assert body["checks"]["broker"] == "Unavailable: broker unreachable"
    assert body["checks"]["database"] == "ok"
    assert "9" not in body["checks"]["broker"]  # no URL, host or port in the answer
    # liveness asks no dependency
    assert client.get(reverse("health_live")).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_ready_names_unapplied_migrations(client, good_broker):
    recorder = MigrationRecorder(connection)
    row = recorder.migration_qs.filter(app="leads").order_by("-id").first()
    row.delete()  # committed (transactional test): the probe's own connection sees it
    try:
        response = client.get(reverse("health_ready"))
    finally:
        recorder.record_applied(row.app, row.name)
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["migrations"]
    assert body["checks"]["migrations"] == "Unavailable: 1 migrations not applied"
    assert client.get(reverse("health_ready")).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_ready_names_a_storage_that_cannot_write(client, good_broker, settings, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")  # the media root would have to be created below a file
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocker / "media")},
        },
    }
    response = client.get(reverse("health_ready"))
    assert response.status_code == 503
    assert response.json()["failing"] == ["storage"]


def test_live_is_200_without_database_or_login(client, settings):
    settings.CELERY_BROKER_URL = DEAD_REDIS
    response = client.get(reverse("health_live"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert client.post(reverse("health_live")).status_code == 405


@pytest.mark.django_db(transaction=True)
def test_ready_and_live_need_no_login_and_send_no_session(client, rep, good_broker):
    for name in ("health_live", "health_ready"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert "sessionid" not in response.cookies
        assert rep.email not in response.content.decode()


def test_the_probes_have_the_documented_names():
    assert list(health.CHECKS) == ["database", "cache", "broker", "storage", "migrations"]
