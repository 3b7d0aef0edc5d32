"""Login throttling (django-axes), session and password settings, headers, check --deploy."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def _fail(client, username, ip="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": "falsch"}, REMOTE_ADDR=ip
    )


@pytest.mark.axes
def test_lockout_after_failures_by_username_and_ip(client, rep):
    from axes.utils import reset

    reset()
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        response = _fail(client, rep.username)
        assert response.status_code == 200
        assert "Benutzername und Passwort" in response.content.decode()
    response = _fail(client, rep.username)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Anmeldung vorübergehend gesperrt" in page
    # even the right password is refused now from this IP
    response = client.post(
        reverse("login"),
        {"username": rep.username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # by username + IP: the same user from another IP, another user from this IP still log in
    other = client.__class__()
    response = other.post(
        reverse("login"), {"username": rep.username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.2"
    )
    assert response.status_code == 302
    reset()


@pytest.mark.axes
def test_successful_login_resets_the_counter(client, rep):
    from axes.utils import reset

    reset()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _fail(client, rep.username)
    ok = client.post(
        reverse("login"), {"username": rep.username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert ok.status_code == 302
    client.logout()
    assert _fail(client, rep.username).status_code == 200  # counting starts again
    reset()


def test_axes_configuration():
    assert settings.AXES_FAILURE_LIMIT <= 10
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_COOLOFF_TIME.total_seconds() >= 300
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"


def test_session_settings():
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_SAMESITE in ("Lax", "Strict")
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.X_FRAME_OPTIONS == "DENY"
    assert settings.SECURE_CONTENT_TYPE_NOSNIFF
    assert settings.BASE_URL.startswith("http")


def test_login_rotates_session_key(client, rep):
    client.get(reverse("login"))
    client.cookies["sessionid"] = "angreifer-fixierte-session"
    client.post(reverse("login"), {"username": rep.username, "password": PASSWORD})
    assert client.cookies["sessionid"].value != "angreifer-fixierte-session"


def test_logout_needs_post_and_ends_the_session(rep_client):
    assert rep_client.get(reverse("logout")).status_code == 405
    rep_client.post(reverse("logout"))
    response = rep_client.get(reverse("leads:list"))
    assert response.status_code == 302 and "/anmelden/" in response["Location"]


def test_login_redirect_refuses_foreign_hosts(client, rep):
    response = client.post(
        reverse("login") + "?next=https://evil.example/",
        {"username": rep.username, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


@pytest.mark.parametrize(
    "password", ["kurz1", "1234567890123", "password1234", "qwertyuiop", "annavogt2026"]
)
def test_weak_passwords_are_refused(rep, password):
    rep.username, rep.first_name, rep.last_name = "annavogt", "Anna", "Vogt"
    with pytest.raises(ValidationError):
        validate_password(password, user=rep)


def test_strong_password_is_accepted(rep):
    validate_password("Sonnen-Dach-Falter-42", user=rep)


def test_security_headers_and_strict_csp(rep_client):
    response = rep_client.get(reverse("leads:list"))
    csp = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_no_inline_script_or_style_in_templates():
    """The CSP forbids them; a template with one would silently break in the browser."""
    import re

    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        if "admin" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<script(?P<attrs>[^>]*)>", text):
            attrs = match.group("attrs")
            if "src=" not in attrs and "application/json" not in attrs:
                offenders.append(f"{path.relative_to(ROOT)}: inline <script>")
        if re.search(r"\sstyle=\"", text) or re.search(r"\son[a-z]+=\"", text):
            offenders.append(f"{path.relative_to(ROOT)}: style=/on*= attribute")
    assert not offenders, "\n".join(offenders)


@pytest.mark.slow
def test_check_deploy_has_no_warnings(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "False",
        "SECRET_KEY": "x7" * 20 + "Zq!9-pL#4wT@",
        "ALLOWED_HOSTS": "crm.example.de",
        "VAR_DIR": str(tmp_path),
        "STATIC_ROOT": str(tmp_path / "static"),
        "ANYMAIL_WEBHOOK_SECRET": "esp:Zq8w1X9e-not-the-dev-value",  # ui/checks.py
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(  # noqa: S603 - fixed argv, no shell
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_short_secret_key_refused_in_production(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "False",
        "SECRET_KEY": "zu-kurz",
        "ALLOWED_HOSTS": "x",
        "VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(  # noqa: S603 - fixed argv, no shell
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_client_ip_behind_trusted_proxies(rf, settings):
    from ui.client_ip import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", REMOTE_ADDR="10.0.0.2")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"  # no proxy trusted: a forged header is ignored
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.7"  # the address our proxy saw, not the forgery
    settings.TRUSTED_PROXY_COUNT = 3
    assert client_ip(request) == "10.0.0.2"  # fewer hops than proxies: fall back


def test_proxy_settings_in_production(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "False",
        "SECRET_KEY": "x7" * 20 + "Zq!9-pL#4wT@",
        "ALLOWED_HOSTS": "crm.example.de",
        "VAR_DIR": str(tmp_path),
        "TRUSTED_PROXY_COUNT": "1",
    }
    code = (
        "from django.conf import settings as s; "
        "print(s.AXES_CLIENT_IP_CALLABLE, s.RATELIMIT_IP_META_KEY, s.BASE_URL)"
    )
    result = subprocess.run(  # noqa: S603 - fixed argv, no shell
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "ui.client_ip.client_ip ui.client_ip.client_ip http://127.0.0.1:8000" in result.stdout, (
        result.stderr
    )
