"""Issue 19, point 6: deployment safe by default (Cache-Control on authenticated pages,
the development webhook secret refused in production, malformed webhook bodies, the
proxy in front of gunicorn)."""

import base64
from pathlib import Path

import pytest
import yaml
from django.conf import settings as django_settings
from django.urls import reverse

from ui.checks import DEV_WEBHOOK_SECRET, webhook_secret_check

pytestmark = pytest.mark.django_db
ROOT = Path(django_settings.BASE_DIR)
TRACKING = "/aktivitaeten/webhooks/anymail/postmark/tracking/"


@pytest.mark.parametrize(
    "name", ["home", "leads:list", "contacts:company_list", "boards:dashboard"]
)
def test_authenticated_pages_are_private_and_not_stored(name, rep_client):
    cache = rep_client.get(reverse(name))["Cache-Control"]
    assert "private" in cache and "no-store" in cache


def test_explicit_cache_control_is_kept(rep_client, rep):
    from tests.factories import LeadFactory

    lead = LeadFactory()
    response = rep_client.get(reverse("leads:business_card", args=[lead.pk]))
    assert response.status_code < 500  # a view with its own header keeps it (no card: 404)


def test_dev_webhook_secret_is_an_error_in_production(settings):
    settings.DEBUG = False
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": DEV_WEBHOOK_SECRET}
    assert [e.id for e in webhook_secret_check()] == ["leadcrm.E001"]
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": "esp:Zq8w1X9e"}
    assert webhook_secret_check() == []
    settings.DEBUG = True
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": DEV_WEBHOOK_SECRET}
    assert webhook_secret_check() == []


def test_the_check_is_registered():
    from django.core import checks

    assert webhook_secret_check in checks.registry.registry.get_checks()


@pytest.mark.parametrize(
    "body", [b"not json", b"", b"[]", b'{"RecordType": 5}', b"\xff\xfe", b'{"RecordType": null}']
)
def test_valid_secret_with_malformed_body_is_no_500(body, client, settings):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": "esp-hook:s3cret"}
    auth = "Basic " + base64.b64encode(b"esp-hook:s3cret").decode()
    client.raise_request_exception = False
    response = client.post(TRACKING, body, content_type="application/json", HTTP_AUTHORIZATION=auth)
    assert response.status_code < 500


def test_compose_publishes_only_the_buffering_proxy():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert "ports" not in services["web"]
    assert "proxy" in services and "nginx" in services["proxy"]["image"]
    command = " ".join(services["web"]["command"])
    assert "--timeout" in command and "--keep-alive" in command
    conf = (ROOT / "docker" / "nginx.conf").read_text()
    assert "proxy_request_buffering on" in conf
    assert "proxy_set_header X-Forwarded-Proto $scheme" in conf
    assert "--timeout" in (ROOT / "Dockerfile").read_text()


def test_forwarded_proto_is_trusted_only_behind_a_proxy():
    source = (ROOT / "leadcrm" / "settings.py").read_text()
    assert "if TRUSTED_PROXY_COUNT:\n        SECURE_PROXY_SSL_HEADER" in source


@pytest.mark.slow
def test_check_deploy_fails_with_the_development_webhook_secret(tmp_path):
    """`check --deploy` used to stay silent; the entrypoint runs the checks before start."""
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DEBUG": "False",
        "SECRET_KEY": "x7" * 20 + "Zq!9-pL#4wT@",
        "ALLOWED_HOSTS": "crm.example.de",
        "VAR_DIR": str(tmp_path),
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("ANYMAIL_WEBHOOK_SECRET", None)
    result = subprocess.run(  # noqa: S603 - fixed argv, no shell
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "ERROR"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "leadcrm.E001" in result.stdout + result.stderr
    assert (
        "python manage.py check --fail-level ERROR"
        in (ROOT / "docker" / "entrypoint.sh").read_text()
    )
