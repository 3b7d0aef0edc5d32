"""The login lockout keys on the client address the app derives (`ui.client_ip`), so behind
the documented proxy a stranger's wrong passwords do not lock a rep out for everybody."""

import pytest
from axes.utils import reset
from django.conf import settings
from django.urls import reverse

from tests.factories import PASSWORD

PROXY = "10.0.0.254"  # every request reaches the app from the proxy


def _login(client, username, password, forwarded_for):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    reset()
    yield
    reset()


@pytest.mark.axes
@pytest.mark.django_db
def test_wrong_passwords_from_one_address_do_not_lock_out_another(client, rep, behind_proxy):
    attacker = "198.51.100.9"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = _login(client, rep.username, "falsch", attacker)
    assert response.status_code == 429  # the attacker's address is locked out
    # the attacker is refused even with the right password …
    assert _login(client, rep.username, PASSWORD, attacker).status_code == 429
    # … but the rep, through the same proxy from their own address, still gets in
    rep_browser = client.__class__()
    response = _login(rep_browser, rep.username, PASSWORD, "203.0.113.7")
    assert response.status_code == 302
    assert "_auth_user_id" in rep_browser.session


@pytest.mark.axes
@pytest.mark.django_db
def test_a_forged_forwarded_for_does_not_dodge_the_lockout(client, rep, behind_proxy):
    """The proxy appends the address it saw: a client rotating a forged left part of
    X-Forwarded-For is still counted under its real address."""
    for n in range(settings.AXES_FAILURE_LIMIT):
        response = _login(client, rep.username, "falsch", f"10.9.9.{n}, 198.51.100.9")
    assert response.status_code == 429
    assert _login(client, rep.username, PASSWORD, "1.2.3.4, 198.51.100.9").status_code == 429


def test_axes_uses_the_apps_client_ip():
    assert settings.AXES_CLIENT_IP_CALLABLE == "ui.client_ip.client_ip"
