"""Passwords (issue 16 point 9): change and reset through Django's auth views, German pages,
links on the profile and the login page."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

NEW = "Sonnenblume-Dach-2027"


@pytest.mark.django_db
def test_profile_and_login_link_to_the_password_pages(rep_client, client):
    profile = rep_client.get(reverse("accounts:profile")).content.decode()
    assert reverse("accounts:password_change") in profile
    login = client.get(reverse("login")).content.decode()
    assert reverse("accounts:password_reset") in login and "Passwort vergessen?" in login


@pytest.mark.django_db
def test_change_password(rep):
    rep.set_password("Alt-Passwort-2026!")
    rep.save()
    browser = Client()
    browser.force_login(rep)
    page = browser.get(reverse("accounts:password_change"))
    assert page.status_code == 200 and "Passwort ändern" in page.content.decode()
    wrong = browser.post(
        reverse("accounts:password_change"),
        {"old_password": "falsch", "new_password1": NEW, "new_password2": NEW},
    )
    assert wrong.status_code == 200 and "Das alte Passwort war falsch" in wrong.content.decode()
    response = browser.post(
        reverse("accounts:password_change"),
        {"old_password": "Alt-Passwort-2026!", "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change_done")
    rep.refresh_from_db()
    assert rep.check_password(NEW)
    # the session survives the change (update_session_auth_hash)
    assert browser.get(reverse("accounts:profile")).status_code == 200


@pytest.mark.django_db
def test_change_needs_login(client):
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.django_db
def test_reset_by_mail_sets_a_new_password_once(rep, client, mailoutbox):
    rep.email = "anna.vogt@leadcrm.example"
    rep.save()
    response = client.post(reverse("accounts:password_reset"), {"email": rep.email})
    assert response["Location"] == reverse("accounts:password_reset_done")
    (mail,) = mailoutbox
    assert mail.to == [rep.email] and mail.subject == "Neues Passwort für LeadCRM"
    assert "Ihr Benutzername: rep" in mail.body
    link = re.search(r"https?://[^/]+(/\S+)", mail.body).group(1)
    form_page = client.get(link, follow=True)
    assert "Neues Passwort festlegen" in form_page.content.decode()
    confirm_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    done = client.post(confirm_url, {"new_password1": NEW, "new_password2": NEW})
    assert done["Location"] == reverse("accounts:password_reset_complete")
    rep.refresh_from_db()
    assert rep.check_password(NEW)
    # the link works once
    again = client.get(link, follow=True).content.decode()
    assert "Link ungültig" in again


@pytest.mark.django_db
def test_reset_for_unknown_address_says_the_same_and_sends_nothing(client, mailoutbox):
    response = client.post(reverse("accounts:password_reset"), {"email": "niemand@example.de"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mailoutbox == []
    done = client.get(reverse("accounts:password_reset_done")).content.decode()
    assert "Wenn zu der Adresse ein Konto gehört" in done
