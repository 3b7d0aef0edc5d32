"""Mein Profil: a user maintains signature, absence and digest opt-in; nobody else's."""

import datetime as dt

from django.urls import reverse

URL = reverse("accounts:profile")


def test_outsider_refused(outsider_client, client):
    assert outsider_client.get(URL).status_code == 403
    assert client.get(URL).status_code == 302


def test_rep_saves_own_profile(rep, rep_client):
    response = rep_client.post(
        URL,
        {
            "signature": "Viele Grüße\nAnna Vogt",
            "absent_from": "2026-12-22",
            "absent_until": "2027-01-02",
            "daily_digest": "on",
            # tampered fields are ignored: the form has no such fields
            "is_staff": "on",
            "is_superuser": "on",
            "username": "root",
        },
    )
    assert response.status_code == 302
    rep.refresh_from_db()
    assert rep.signature == "Viele Grüße\nAnna Vogt"
    assert rep.absent_from == dt.date(2026, 12, 22)
    assert rep.daily_digest is True
    assert not rep.is_staff and not rep.is_superuser and rep.username == "rep"


def test_absence_must_be_ordered_and_complete(rep, rep_client):
    response = rep_client.post(URL, {"absent_from": "2027-01-02", "absent_until": "2026-12-22"})
    assert response.status_code == 200
    assert "liegt vor ihrem Beginn" in response.content.decode()
    response = rep_client.post(URL, {"absent_from": "2027-01-02"})
    assert "Beginn und Ende" in response.content.decode()
    rep.refresh_from_db()
    assert rep.absent_from is None


def test_profile_query_count(rep_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert rep_client.get(URL).status_code == 200


def test_saved_absence_is_shown_in_the_date_inputs(rep, rep_client):
    rep.absent_from, rep.absent_until = dt.date(2026, 12, 22), dt.date(2027, 1, 2)
    rep.save()
    page = rep_client.get(URL).content.decode()
    assert 'value="2026-12-22"' in page and 'value="2027-01-02"' in page
