"""The lead's timeline (issue 16 point 1): sources merged newest first, durations, paging,
kind filter, constant query count, quick logging and ticking tasks done in place."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, ActivityKind, ActivityStatus, MailState
from leads.models import Lead, LeadStatusChange
from leads.timeline import lead_timeline
from tests import factories as f

HX = {"HTTP_HX_REQUEST": "true"}


def _at(activity_or_change, when):
    """Move a row's timestamp (auto_now_add columns can only be set by update)."""
    model = type(activity_or_change)
    column = "created_at" if model is Activity else "changed_at"
    model.objects.filter(pk=activity_or_change.pk).update(**{column: when})


def _activity(lead, when, **kwargs):
    activity = f.ActivityFactory(**kwargs)
    lead.activities.add(activity)
    _at(activity, when)
    return activity


def _status_change(lead, status, when, user=None):
    return LeadStatusChange.objects.create(
        lead=lead, to_status=status, changed_at=when, changed_by=user
    )


def _busy_lead(rep, size: int) -> Lead:
    """A lead with `size` rows of every source."""
    lead = f.LeadFactory(follow_up_by=rep)
    now = timezone.now()
    statuses = [f.LeadStatusFactory() for _ in range(3)]
    for i in range(size):
        _activity(lead, now - dt.timedelta(hours=4 * i + 1), call=True, delegated_to=rep)
        _activity(lead, now - dt.timedelta(hours=4 * i + 2), email_out=True)
        _status_change(lead, statuses[i % 3], now - dt.timedelta(hours=4 * i + 3), rep)
        lead.city = f"Ort {i}"
        lead.save()
        f.NotificationFactory(
            recipient=rep,
            content_type=ContentType.objects.get_for_model(Lead),
            object_id=lead.pk,
        )
    return lead


@pytest.mark.django_db
def test_sources_are_merged_newest_first_with_status_durations(rep):
    lead = f.LeadFactory(follow_up_by=rep)
    now = timezone.now()
    offen, qualifiziert = f.LeadStatusFactory(name="Neu T"), f.LeadStatusFactory(name="Qual T")
    _status_change(lead, offen, now - dt.timedelta(days=3, hours=2))
    _status_change(lead, qualifiziert, now - dt.timedelta(days=1))
    note = _activity(lead, now - dt.timedelta(hours=5))
    mail = _activity(lead, now - dt.timedelta(hours=1), email_out=True)
    f.NotificationFactory(
        recipient=rep, content_type=ContentType.objects.get_for_model(Lead), object_id=lead.pk
    )
    # someone else's notification about the lead is not the reader's
    f.NotificationFactory(content_type=ContentType.objects.get_for_model(Lead), object_id=lead.pk)
    lead.city = "Augsburg"
    lead.save()

    page = lead_timeline(lead, user=rep)

    kinds = [e.kind for e in page.entries]
    assert [e.at for e in page.entries] == sorted((e.at for e in page.entries), reverse=True)
    assert kinds.count("notification") == 1
    assert [e.activity for e in page.entries if e.activity] == [mail, note]
    mail_entry = next(e for e in page.entries if e.activity == mail)
    assert mail_entry.kind == "mail"
    status_rows = [e for e in page.entries if e.kind == "status"]
    assert [e.status_change.to_status for e in status_rows] == [qualifiziert, offen]
    assert status_rows[0].current is True
    assert status_rows[1].current is False
    assert status_rows[1].duration_text == "2 T. 2 Std."
    change = next(e for e in page.entries if e.kind == "change" and e.changes)
    assert any(name == "Ort" and new == "Augsburg" for name, _old, new in change.changes)
    created = [e for e in page.entries if e.kind == "change" and e.record.history_type == "+"]
    assert len(created) == 1  # the lead's creation
    assert page.next_cursor is None


@pytest.mark.django_db
def test_filter_by_kind(rep):
    lead = _busy_lead(rep, 2)
    page = lead_timeline(lead, user=rep, kinds=["status"])
    assert page.entries and {e.kind for e in page.entries} == {"status"}
    page = lead_timeline(lead, user=rep, kinds=["mail", "bogus"])
    assert page.kinds == ("mail",)
    assert {e.activity.kind for e in page.entries} == {ActivityKind.EMAIL_OUT}


@pytest.mark.django_db
def test_paging_walks_every_entry_once(rep):
    lead = _busy_lead(rep, 7)
    everything = lead_timeline(lead, user=rep, limit=500).entries
    seen, cursor = [], None
    for _ in range(50):
        page = lead_timeline(lead, user=rep, cursor=cursor, limit=4)
        seen.extend(page.entries)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert [e.key for e in seen] == [e.key for e in everything]
    # 7 calls + 7 mails + 7 status changes + 7 notifications + 8 history records
    assert len(everything) == 36


@pytest.mark.django_db
def test_status_duration_on_a_later_page_is_not_current(rep):
    lead = f.LeadFactory(follow_up_by=rep)
    now = timezone.now()
    a, b = f.LeadStatusFactory(), f.LeadStatusFactory()
    _status_change(lead, a, now - dt.timedelta(hours=30))
    _status_change(lead, b, now - dt.timedelta(hours=20))
    first = lead_timeline(lead, user=rep, kinds=["status"], limit=1)
    second = lead_timeline(lead, user=rep, kinds=["status"], cursor=first.next_cursor, limit=1)
    assert first.entries[0].current and not second.entries[0].current
    assert second.entries[0].duration_text == "10 Std. 0 Min."


@pytest.mark.django_db
def test_query_count_does_not_grow(rep, rep_client, django_assert_max_num_queries):
    small, large = _busy_lead(rep, 2), _busy_lead(rep, 25)
    counts = []
    for lead in (small, large):
        url = reverse("leads:timeline", args=[lead.pk])
        with django_assert_max_num_queries(20) as captured:
            response = rep_client.get(url, **HX)
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[1] <= counts[0]


@pytest.mark.django_db
def test_timeline_fragment_and_plain_page(rep, rep_client):
    lead = _busy_lead(rep, 1)
    url = reverse("leads:timeline", args=[lead.pk])
    fragment = rep_client.get(url, **HX).content.decode()
    assert 'id="lead-timeline"' in fragment and "<html" not in fragment
    assert reverse("leads:quick_log", args=[lead.pk, "anruf"]) in fragment
    page = rep_client.get(url).content.decode()
    assert "<html" in page and 'id="lead-timeline"' in page


@pytest.mark.django_db
def test_mask_has_the_timeline_column(rep, rep_client):
    lead = f.LeadFactory(follow_up_by=rep)
    html = rep_client.get(reverse("leads:detail", args=[lead.pk])).content.decode()
    assert f'hx-get="{reverse("leads:timeline", args=[lead.pk])}"' in html
    assert "js/timeline.js" in html
    # the timeline column sits outside the lead form: no nested forms
    assert html.index("</form>", html.index('id="lead-form"')) < html.index("lc-timeline-aside")


@pytest.mark.django_db
def test_outsider_is_refused(outsider_client, rep):
    lead = f.LeadFactory(follow_up_by=rep)
    assert outsider_client.get(reverse("leads:timeline", args=[lead.pk]), **HX).status_code == 403
    url = reverse("leads:quick_log", args=[lead.pk, "notiz"])
    assert outsider_client.post(url, {"ql-subject": "x"}, **HX).status_code == 403


@pytest.mark.django_db
def test_viewer_without_edit_right_gets_no_buttons_and_cannot_post(rep, teammate, marketing_client):
    lead = f.LeadFactory(follow_up_by=rep, created_by=rep)
    response = marketing_client.get(reverse("leads:timeline", args=[lead.pk]), **HX)
    if response.status_code == 200:  # marketing may view: it still sees no buttons
        assert "ql-anruf" not in response.content.decode()
    url = reverse("leads:quick_log", args=[lead.pk, "notiz"])
    assert marketing_client.post(url, {"ql-subject": "Notiz"}, **HX).status_code == 403
    assert marketing_client.get(url, **HX).status_code == 403
    task = _activity(lead, timezone.now(), task=True)
    done_url = reverse("leads:timeline_done", args=[lead.pk, task.pk])
    assert marketing_client.post(done_url, {"done": "1"}, **HX).status_code == 403
    task.refresh_from_db()
    assert task.status == ActivityStatus.OPEN


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("slug", "kind", "status"),
    [
        ("anruf", ActivityKind.CALL, ActivityStatus.DONE),
        ("notiz", ActivityKind.NOTE, ActivityStatus.DONE),
        ("aufgabe", ActivityKind.TASK, ActivityStatus.OPEN),
    ],
)
def test_quick_log_adds_the_entry_in_place(rep, rep_client, slug, kind, status):
    lead = f.LeadFactory(follow_up_by=rep)
    url = reverse("leads:quick_log", args=[lead.pk, slug])
    form = rep_client.get(url, **HX).content.decode()
    assert 'name="ql-subject"' in form and "<html" not in form
    response = rep_client.post(
        url, {"ql-subject": "Rückruf Einkauf", "ql-body": "Angebot bis Fr"}, **HX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="lead-timeline"' in html and "Rückruf Einkauf" in html and "<html" not in html
    activity = lead.activities.get()
    assert (activity.kind, activity.status, activity.created_by) == (kind, status, rep)
    assert activity.company_text == lead.company_name  # who it is with: the lead's data


@pytest.mark.django_db
def test_appointment_end_defaults_to_start_plus_setting(rep, rep_client, settings):
    settings.LEADCRM = {**settings.LEADCRM, "APPOINTMENT_MINUTES": 45}
    lead = f.LeadFactory(follow_up_by=rep)
    url = reverse("leads:quick_log", args=[lead.pk, "termin"])
    form = rep_client.get(url, **HX).content.decode()
    assert 'data-lc-minutes="45"' in form
    assert 'placeholder="TT.MM.JJJJ hh:mm"' in form and 'type="datetime-local"' not in form
    response = rep_client.post(
        url,
        {"ql-subject": "Vor-Ort-Termin", "ql-start": "10.12.2026 10:00", "ql-delegated_to": rep.pk},
        **HX,
    )
    assert response.status_code == 200
    activity = lead.activities.get()
    assert activity.kind == ActivityKind.APPOINTMENT
    assert activity.end - activity.start == dt.timedelta(minutes=45)
    assert timezone.localtime(activity.start).strftime("%d.%m.%Y %H:%M") == "10.12.2026 10:00"


@pytest.mark.django_db
def test_invalid_quick_log_shows_errors_in_the_form(rep, rep_client):
    lead = f.LeadFactory(follow_up_by=rep)
    url = reverse("leads:quick_log", args=[lead.pk, "termin"])
    response = rep_client.post(url, {"ql-subject": "Termin ohne Beginn"}, **HX)
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#timeline-form"
    assert not lead.activities.exists()


@pytest.mark.django_db
def test_quick_log_email_is_queued_in_the_outbox(rep, rep_client, mailoutbox):
    lead = f.LeadFactory(follow_up_by=rep, email="einkauf@kunde-beispiel.de")
    url = reverse("leads:quick_log", args=[lead.pk, "email"])
    assert "einkauf@kunde-beispiel.de" in rep_client.get(url, **HX).content.decode()
    response = rep_client.post(
        url,
        {
            "ql-mail_to": "einkauf@kunde-beispiel.de",
            "ql-subject": "Ihr Angebot",
            "ql-body": "Hallo",
        },
        **HX,
    )
    assert response.status_code == 200
    activity = lead.activities.get()
    assert activity.kind == ActivityKind.EMAIL_OUT
    assert activity.mail_state in (MailState.QUEUED, MailState.SENT)


@pytest.mark.django_db
def test_task_ticks_done_and_open_again_in_place(rep, rep_client):
    lead = f.LeadFactory(follow_up_by=rep)
    task = _activity(lead, timezone.now(), task=True)
    url = reverse("leads:timeline_done", args=[lead.pk, task.pk])
    response = rep_client.post(url, {"done": "1"}, **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith("<li") and "checked" in html and "ist erledigt" in html
    task.refresh_from_db()
    assert task.status == ActivityStatus.DONE and task.done_at is not None
    rep_client.post(url, {}, **HX)
    task.refresh_from_db()
    assert task.status == ActivityStatus.OPEN and task.done_at is None


@pytest.mark.django_db
def test_task_of_another_lead_is_not_found(rep, rep_client):
    lead, other = f.LeadFactory(follow_up_by=rep), f.LeadFactory(follow_up_by=rep)
    task = _activity(other, timezone.now(), task=True)
    url = reverse("leads:timeline_done", args=[lead.pk, task.pk])
    assert rep_client.post(url, {"done": "1"}, **HX).status_code == 404
