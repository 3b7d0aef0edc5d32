"""notify() service, the bell, mark read, and the job progress partial."""

import pytest

from jobs.models import JobState
from notifications.models import Notification, Priority
from notifications.services import (
    NotificationItem,
    notification_mark_read,
    notifications_mark_all_read,
    notify,
    notify_many,
)
from tests.factories import JobFactory, NotificationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.smoke
def test_notify_with_dedupe_key_is_a_noop_the_second_time(rep):
    first = notify(recipient=rep, title="Erinnerung", dedupe_key="k:1")
    second = notify(recipient=rep, title="Erinnerung", dedupe_key="k:1")
    assert first is not None and second is None
    assert Notification.objects.filter(recipient=rep).count() == 1


def test_notify_without_key_always_creates(rep):
    notify(recipient=rep, title="A")
    notify(recipient=rep, title="A")
    assert Notification.objects.count() == 2


def test_notify_links_entity(rep, teammate):
    note = notify(recipient=rep, title="x", entity=teammate, url="/konto/")
    note.refresh_from_db()
    assert note.entity == teammate


def test_notify_many_skips_duplicates(rep, teammate):
    items = [
        NotificationItem(recipient=rep, title="r", dedupe_key="same"),
        NotificationItem(recipient=teammate, title="r", dedupe_key="same"),
    ]
    notify_many(items)
    notify_many(items)
    assert Notification.objects.count() == 2


def test_mark_read_and_all_read(rep, teammate):
    a, b = NotificationFactory(recipient=rep), NotificationFactory(recipient=rep)
    other = NotificationFactory(recipient=teammate)
    notification_mark_read(notification=a, user=rep)
    assert Notification.objects.get(pk=a.pk).read_at is not None
    with pytest.raises(PermissionError):
        notification_mark_read(notification=other, user=rep)
    assert notifications_mark_all_read(user=rep) == 1
    assert Notification.objects.get(pk=b.pk).read_at is not None
    assert Notification.objects.get(pk=other.pk).read_at is None


def test_bell_shows_unread_count_newest_first_and_priority(rep_client, rep, teammate):
    NotificationFactory(recipient=rep, title="Alt")
    NotificationFactory(recipient=rep, title="Neu wichtig", priority=Priority.A)
    NotificationFactory(recipient=teammate, title="Fremd")
    response = rep_client.get("/benachrichtigungen/glocke/", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="bell-count">2<' in html
    assert html.index("Neu wichtig") < html.index("Alt")
    assert "Fremd" not in html
    assert "<html" not in html


def test_base_page_loads_bell_by_htmx(rep_client):
    html = rep_client.get("/").content.decode()
    assert 'hx-get="/benachrichtigungen/glocke/"' in html
    assert "load, every 60s" in html


def test_open_marks_read_and_redirects_to_entity(rep_client, rep):
    note = NotificationFactory(recipient=rep, url="/aktivitaeten/")
    response = rep_client.get(f"/benachrichtigungen/{note.pk}/oeffnen/")
    assert response.status_code == 302 and response["Location"] == "/aktivitaeten/"
    assert Notification.objects.get(pk=note.pk).is_read


def test_open_refuses_external_url(rep_client, rep):
    note = NotificationFactory(recipient=rep, url="https://evil.example/")
    response = rep_client.get(f"/benachrichtigungen/{note.pk}/oeffnen/")
    assert response["Location"] == "/benachrichtigungen/"


def test_cannot_open_or_read_someone_elses(rep_client, teammate):
    note = NotificationFactory(recipient=teammate)
    assert rep_client.get(f"/benachrichtigungen/{note.pk}/oeffnen/").status_code == 404
    assert rep_client.post(f"/benachrichtigungen/{note.pk}/gelesen/").status_code == 404
    assert not Notification.objects.get(pk=note.pk).is_read


def test_mark_one_and_all_read_by_htmx(rep_client, rep):
    a, b = NotificationFactory(recipient=rep), NotificationFactory(recipient=rep)
    html = rep_client.post(
        f"/benachrichtigungen/{a.pk}/gelesen/", headers={"HX-Request": "true"}
    ).content.decode()
    assert 'data-testid="bell-count">1<' in html
    response = rep_client.post("/benachrichtigungen/alle-gelesen/")
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=rep, read_at__isnull=True).exists()
    assert b.pk


def test_mark_read_needs_post(rep_client, rep):
    note = NotificationFactory(recipient=rep)
    assert rep_client.get(f"/benachrichtigungen/{note.pk}/gelesen/").status_code == 405


@pytest.mark.parametrize(
    "url",
    ["/benachrichtigungen/", "/benachrichtigungen/glocke/", "/benachrichtigungen/auftraege/1/"],
)
def test_outsider_refused(outsider_client, url):
    assert outsider_client.get(url).status_code == 403


@pytest.mark.parametrize("size", [3, 30])
def test_bell_query_count_constant(rep_client, rep, size, django_assert_max_num_queries):
    NotificationFactory.create_batch(size, recipient=rep)
    with django_assert_max_num_queries(5):
        rep_client.get("/benachrichtigungen/glocke/", headers={"HX-Request": "true"})


@pytest.mark.parametrize("size", [3, 30])
def test_list_query_count_constant(rep_client, rep, size, django_assert_max_num_queries):
    NotificationFactory.create_batch(size, recipient=rep)
    with django_assert_max_num_queries(7):
        rep_client.get("/benachrichtigungen/")


# --- job progress -------------------------------------------------------------------------


def test_job_progress_running_polls_itself(rep_client, rep):
    job = JobFactory(created_by=rep, state=JobState.RUNNING, total=200, done=50)
    html = rep_client.get(
        f"/benachrichtigungen/auftraege/{job.pk}/", headers={"HX-Request": "true"}
    ).content.decode()
    assert "<html" not in html
    assert 'hx-trigger="every 1s"' in html
    assert 'data-percent="25"' in html
    assert "50 von 200 erledigt" in html


def test_job_progress_finished_shows_summary_and_stops_polling(rep_client, rep):
    job = JobFactory(created_by=rep, state=JobState.DONE, total=10, done=10, result={"Geändert": 9})
    html = rep_client.get(f"/benachrichtigungen/auftraege/{job.pk}/").content.decode()
    assert "<html" in html  # a plain visit gets a whole page
    assert "every 1s" not in html
    assert "Geändert" in html and "Fertig" in html


def test_job_progress_only_for_owner_or_staff(teammate_client, admin_client_staff, rep):
    job = JobFactory(created_by=rep)
    assert teammate_client.get(f"/benachrichtigungen/auftraege/{job.pk}/").status_code == 404
    assert admin_client_staff.get(f"/benachrichtigungen/auftraege/{job.pk}/").status_code == 200


def test_bell_placeholder_polls_only_for_users_with_a_role(outsider, rep):
    from django.template.loader import render_to_string

    assert "/benachrichtigungen/glocke/" in render_to_string(
        "notifications/_bell.html", {"user": rep}
    )
    assert "/benachrichtigungen/glocke/" not in render_to_string(
        "notifications/_bell.html", {"user": outsider}
    )


def test_job_cancel_by_owner_only(rep_client, teammate_client, rep):
    job = JobFactory(created_by=rep, state=JobState.RUNNING, total=10, done=1)
    assert (
        teammate_client.post(f"/benachrichtigungen/auftraege/{job.pk}/abbrechen/").status_code
        == 404
    )
    html = rep_client.post(
        f"/benachrichtigungen/auftraege/{job.pk}/abbrechen/", headers={"HX-Request": "true"}
    ).content.decode()
    job.refresh_from_db()
    assert job.cancel_requested
    assert "Abbruch angefordert" in html


def test_finished_job_is_not_cancelled(rep_client, rep):
    job = JobFactory(created_by=rep, state=JobState.DONE)
    rep_client.post(f"/benachrichtigungen/auftraege/{job.pk}/abbrechen/")
    job.refresh_from_db()
    assert not job.cancel_requested
