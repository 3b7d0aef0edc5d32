"""One dedupe key and one text per kind, rendered in the reader's language (issue #15,
point 8): the demo, the nightly job and the services write the same row; the bell, the
list, the digest and the admin render it; the priority is explained; the list filters."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from demo.activities import fill_bells
from leads.jobs.overdue import overdue_dedupe_key, overdue_follow_ups_notify, overdue_params
from leads.models import AssignmentRule
from leads.services.assignment_notices import notify_lead_assigned
from leads.services.distribution import lead_assign_owner
from notifications import kinds
from notifications.digest import daily_digests_send
from notifications.models import Kind, Notification, Priority
from notifications.services import notify
from tests.factories import CompanyFactory, LeadFactory, NotificationFactory, status

pytestmark = pytest.mark.django_db

YESTERDAY = timezone.localdate() - dt.timedelta(days=1)


def _overdue_lead(rep, **kwargs):
    return LeadFactory(
        follow_up_by=rep, follow_up_until=YESTERDAY, company_name="Windpark Nord", **kwargs
    )


def _demo_plan(lead, owner):
    return {
        "lead": lead,
        "owner": owner,
        "days_ago": 30,  # not a fresh hand-over: only the overdue path runs
        "final_status": status("Offen"),
        "index": 0,
        "created_at": timezone.now() - dt.timedelta(days=30),
    }


def test_one_overdue_lead_through_demo_and_job_is_one_notification(rep):
    lead = _overdue_lead(rep)
    now, today = timezone.now(), timezone.localdate()

    fill_bells([_demo_plan(lead, rep)], now=now, today=today)
    overdue_follow_ups_notify()
    overdue_follow_ups_notify(today=today + dt.timedelta(days=3))

    (note,) = Notification.objects.filter(object_id=lead.pk)
    assert note.kind == Kind.FOLLOW_UP_OVERDUE
    assert note.dedupe_key == overdue_dedupe_key(lead.pk, YESTERDAY)
    assert note.params == overdue_params(lead)
    assert (note.title, note.text) == ("", "")  # no stored sentence
    assert note.display_title == "Nachbetreuung überfällig: Windpark Nord"


def test_overdue_params_name_the_customer_first(rep):
    lead = _overdue_lead(rep, customer=CompanyFactory(name="Sonnenstrom Bayern GmbH"))
    overdue_follow_ups_notify()
    note = Notification.objects.get(object_id=lead.pk)
    assert note.params == overdue_params(lead)
    assert note.params["name"] == "Sonnenstrom Bayern GmbH"


def test_hand_over_by_the_demo_and_by_the_rules_is_one_notification(rep, manager):
    AssignmentRule.objects.update(active=False)
    lead = LeadFactory(follow_up_by=None)
    rule = AssignmentRule.objects.create(name="Alle", rank=1)
    rule.members.create(user=rep)
    notify_lead_assigned(lead=lead, user=rep, why={"how": "manual", "by": str(manager)})
    lead_assign_owner(lead=lead)
    notes = Notification.objects.filter(kind=Kind.LEAD_ASSIGNED, object_id=lead.pk)
    assert notes.count() == 1
    assert notes.get().priority == Priority.A  # the kind's priority, whoever sent it


def test_english_reader_sees_english_text(rep):
    lead = _overdue_lead(rep)
    overdue_follow_ups_notify()
    note = Notification.objects.get(object_id=lead.pk)
    with translation.override("en"):
        assert note.display_title == "Follow-up overdue: Windpark Nord"
        assert note.display_text.startswith(f"The follow-up of lead {lead.number}")
        assert note.get_priority_display() == "A – urgent"
    with translation.override("de"):
        assert note.display_text.startswith(f"Die Nachbetreuung von Lead {lead.number}")
        assert YESTERDAY.strftime("%d.%m.%Y") in note.display_text


def test_english_reader_sees_english_bell_and_list(rep, rep_client):
    _overdue_lead(rep)
    overdue_follow_ups_notify()
    rep_client.cookies["django_language"] = "en"
    with translation.override("en"):
        bell = rep_client.get(reverse("notifications:bell"), headers={"accept-language": "en"})
        page = rep_client.get(reverse("notifications:list"), headers={"accept-language": "en"})
    assert "Follow-up overdue: Windpark Nord" in bell.content.decode()
    assert "Follow-up overdue: Windpark Nord" in page.content.decode()
    assert "Nachbetreuung überfällig" not in page.content.decode()


def test_rows_from_before_params_show_their_stored_text(rep):
    old = NotificationFactory(
        recipient=rep, kind=Kind.FOLLOW_UP_OVERDUE, title="Alt: überfällig", text="Alter Text"
    )
    assert old.params is None
    assert (old.display_title, old.display_text) == ("Alt: überfällig", "Alter Text")


def test_a_kind_with_a_text_template_needs_params(rep):
    with pytest.raises(ValueError):
        notify(recipient=rep, kind=Kind.FOLLOW_UP_OVERDUE, title="Nachbetreuung")


def test_missing_parameter_shows_a_dash_not_a_crash(rep):
    note = notify(recipient=rep, kind=Kind.LEAD_UNASSIGNED, params={})
    assert note.display_title == "Lead ohne Zuständigkeit: —"


@pytest.mark.parametrize("kind", [k for k in kinds.KINDS])
def test_every_kind_renders_in_both_languages(kind):
    params = {
        "name": "Solar AG",
        "number": "L-000001",
        "due": "2026-12-01",
        "when": "2026-12-01T10:00:00+00:00",
        "time": "2026-12-01T10:00:00+00:00",
        "subject": "Termin",
        "user": "Anna Vogt",
        "count": 2,
        "days": 30,
        "rule": "Vertrieb reihum",
        "how": "rotation",
        "weight": 1,
    }
    for language in ("de", "en"):
        with translation.override(language):
            title, _text = kinds.render_parts(kind, params)
            assert title and "%(" not in title


def test_digest_is_written_in_the_readers_language(rep):
    rep.daily_digest, rep.email = True, "anna.vogt@vertrieb-beispiel.de"
    rep.save()
    _overdue_lead(rep)
    overdue_follow_ups_notify()
    with translation.override("en"):
        daily_digests_send()
    (message,) = mail.outbox
    assert "Follow-up overdue: Windpark Nord" in message.body
    assert "Nachbetreuung überfällig" not in message.body
    marker = Notification.objects.get(recipient=rep, kind=Kind.DIGEST_SENT)
    with translation.override("en"):
        assert marker.display_text == "1 unread priority A notification"


def test_list_explains_the_priorities(rep, rep_client):
    notify(recipient=rep, kind=Kind.LEAD_UNASSIGNED, params={"name": "X", "number": "L-1"})
    page = rep_client.get(reverse("notifications:list")).content.decode()
    assert "A – dringend" in page and "B – wichtig" in page and "C – zur Kenntnis" in page
    assert 'data-testid="priority-badge"' in page
    assert "Dringend: heute bearbeiten" in page


def test_list_filters_by_unread_and_kind(rep, rep_client):
    unread = notify(recipient=rep, kind=Kind.LEAD_UNASSIGNED, params={"name": "Offen AG"})
    read = notify(recipient=rep, kind=Kind.LEAD_UNASSIGNED, params={"name": "Gelesen AG"})
    read.read_at = timezone.now()
    read.save()
    NotificationFactory(recipient=rep, title="Andere Art")
    url = reverse("notifications:list")

    page = rep_client.get(url, {"unread": "on"}).content.decode()
    assert "Offen AG" in page and "Gelesen AG" not in page and "Andere Art" in page
    page = rep_client.get(url, {"kind": Kind.LEAD_UNASSIGNED}).content.decode()
    assert "Offen AG" in page and "Gelesen AG" in page and "Andere Art" not in page
    page = rep_client.get(url, {"kind": Kind.LEAD_UNASSIGNED, "unread": "on"}).content.decode()
    assert "Offen AG" in page and "Gelesen AG" not in page
    assert unread.pk
    # an unknown kind is ignored, not a 500
    assert rep_client.get(url, {"kind": "quatsch"}).status_code == 200


@pytest.mark.parametrize("size", [3, 30])
def test_list_query_count_is_constant(rep, rep_client, django_assert_max_num_queries, size):
    for i in range(size):
        notify(recipient=rep, kind=Kind.LEAD_UNASSIGNED, params={"name": f"L{i}", "number": i})
    rep_client.get(reverse("notifications:list"))  # warm caches (session, roles)
    with django_assert_max_num_queries(12):
        response = rep_client.get(
            reverse("notifications:list"), {"unread": "on", "kind": Kind.LEAD_UNASSIGNED}
        )
    assert response.status_code == 200
