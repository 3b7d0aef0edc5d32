"""Issue 19, point 8: abuse limits — password spraying across addresses, and the public
form's confirmation mails per recipient address and day."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from capture import doi
from leads.models import ConsentAction, ConsentRecord
from tests.factories import LeadFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


def _login(client, username, password, ip):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_failed_logins_are_limited_per_username_across_addresses(client, settings):
    settings.LOGIN_USERNAME_FAILURE_LIMIT = 3
    UserFactory(username="anna", password="richtig-Passwort-123")
    for n in range(3):  # each from another address: axes alone would never lock
        assert _login(client, "anna", f"falsch{n}", f"10.0.0.{n + 1}").status_code == 200
    response = _login(client, "anna", "richtig-Passwort-123", "10.0.9.9")
    assert response.status_code == 200  # not logged in
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # another name is not affected
    UserFactory(username="ben", password="anderes-Passwort-456")
    assert _login(client, "ben", "anderes-Passwort-456", "10.0.9.9").status_code == 302


def test_successful_login_below_the_limit(client, settings):
    settings.LOGIN_USERNAME_FAILURE_LIMIT = 3
    UserFactory(username="carla", password="richtig-Passwort-123")
    _login(client, "carla", "falsch", "10.0.0.1")
    assert _login(client, "carla", "richtig-Passwort-123", "10.0.0.2").status_code == 302


def _request(email):
    return ConsentRecord.objects.create(
        lead=LeadFactory(email=email), action=ConsentAction.REQUESTED, email=email
    )


def test_confirmation_mails_per_address_and_day(mailoutbox, settings):
    settings.DOI_MAILS_PER_ADDRESS_PER_DAY = 2
    records = [_request("opfer@example.org") for _ in range(4)]
    sent = [doi.send_doi_mail(record_id=r.pk) for r in records]
    assert sent == [True, True, False, False]
    assert len(mailoutbox) == 2
    records[2].refresh_from_db()
    assert records[2].mail_attempts >= doi.MAX_DOI_MAIL_ATTEMPTS  # the re-scan skips it
    assert records[2].pk not in doi.doi_mails_due(grace_minutes=-1)
    # another address still gets its mail
    assert doi.send_doi_mail(record_id=_request("andere@example.org").pk) is True
