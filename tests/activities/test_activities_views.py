"""Activity list, card, create (prefilled), edit, mark done; sub-area selectors."""

import datetime as dt

import pytest
from django.utils import timezone

from activities.models import Activity, ActivityKind, ActivityStatus
from activities.selectors import activities_for_company, activities_for_person
from notifications.models import Notification
from tests.factories import ActivityFactory, CompanyFactory, PersonFactory
from tests.factories.activities import lead_with_appointment

pytestmark = pytest.mark.django_db


def test_list_shows_mine_by_default_and_all_on_request(rep_client, rep, teammate):
    ActivityFactory(subject="Meine Aufgabe", delegated_to=rep, task=True)
    ActivityFactory(subject="Fremde Aufgabe", delegated_to=teammate, task=True)
    html = rep_client.get("/aktivitaeten/").content.decode()
    assert "Meine Aufgabe" in html and "Fremde Aufgabe" not in html
    html = rep_client.get("/aktivitaeten/?scope=all").content.decode()
    assert "Fremde Aufgabe" in html


def test_list_filters_kind_and_status_htmx_fragment(rep_client, rep):
    ActivityFactory(subject="Anruf offen", delegated_to=rep, call=True)
    ActivityFactory(subject="Notiz erledigt", delegated_to=rep, status=ActivityStatus.DONE)
    response = rep_client.get(
        "/aktivitaeten/?kind=call&status=open", headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "Anruf offen" in html and "Notiz erledigt" not in html
    assert "<html" not in html


def test_bad_filter_values_do_not_crash(rep_client):
    response = rep_client.get("/aktivitaeten/?kind=xyz&status=<b>&page=abc")
    assert response.status_code == 200


@pytest.mark.parametrize("size", [2, 25])
def test_list_query_count_constant(rep_client, rep, size, django_assert_max_num_queries):
    ActivityFactory.create_batch(size, delegated_to=rep, delegated_by=rep)
    with django_assert_max_num_queries(8):
        response = rep_client.get("/aktivitaeten/?scope=all")
    assert response.status_code == 200


def test_detail_and_outsider_refused(rep_client, outsider_client, rep):
    activity = ActivityFactory(subject="Vor-Ort-Termin", appointment=True, delegated_to=rep)
    assert "Vor-Ort-Termin" in rep_client.get(f"/aktivitaeten/{activity.pk}/").content.decode()
    for url in ("/aktivitaeten/", f"/aktivitaeten/{activity.pk}/", "/aktivitaeten/neu/"):
        assert outsider_client.get(url).status_code == 403


def test_create_prefilled_from_person(rep_client, rep):
    person = PersonFactory(first_name="Karl", last_name="Berger")
    html = rep_client.get(f"/aktivitaeten/neu/?person={person.pk}").content.decode()
    assert "Karl Berger" in html
    assert f'value="{person.pk}"' in html


def test_create_from_lead_links_activity(rep_client, rep):
    lead = lead_with_appointment(appointment_with=rep)
    start = timezone.localtime() + dt.timedelta(days=1)
    response = rep_client.post(
        f"/aktivitaeten/neu/?lead={lead.pk}",
        {
            "kind": ActivityKind.CALL,
            "subject": "Rückruf",
            "start": start.strftime("%Y-%m-%dT%H:%M"),
            "end": (start + dt.timedelta(minutes=15)).strftime("%Y-%m-%dT%H:%M"),
            "status": ActivityStatus.OPEN,
            "delegated_to": rep.pk,
            "lead": lead.pk,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/leads/{lead.pk}/"  # back on the lead
    activity = Activity.objects.get(subject="Rückruf")
    assert lead.activities.filter(pk=activity.pk).exists()
    assert activity.created_by == rep and activity.delegated_by == rep


def test_create_end_before_start_gives_german_error(rep_client, rep):
    response = rep_client.post(
        "/aktivitaeten/neu/",
        {
            "kind": ActivityKind.TASK,
            "subject": "Falsch",
            "start": "2026-12-01T10:00",
            "end": "2026-12-01T09:00",
            "status": ActivityStatus.OPEN,
        },
    )
    assert response.status_code == 200
    assert "Das Ende darf nicht vor dem Beginn liegen." in response.content.decode()
    assert not Activity.objects.exists()


def test_appointment_created_for_colleague_notifies_them(rep_client, rep, teammate):
    rep_client.post(
        "/aktivitaeten/neu/",
        {
            "kind": ActivityKind.APPOINTMENT,
            "subject": "Vor-Ort",
            "start": "2026-12-01T10:00",
            "end": "2026-12-01T11:00",
            "status": ActivityStatus.OPEN,
            "delegated_to": teammate.pk,
        },
    )
    assert Notification.objects.filter(recipient=teammate).count() == 1
    assert not Notification.objects.filter(recipient=rep).exists()


def test_edit_time_notifies_delegated_and_mark_done(rep_client, rep, teammate, teammate_client):
    activity = ActivityFactory(appointment=True, delegated_to=teammate, created_by=rep)
    new_start = timezone.localtime(activity.start) + dt.timedelta(hours=2)
    response = rep_client.post(
        f"/aktivitaeten/{activity.pk}/bearbeiten/",
        {
            "kind": ActivityKind.APPOINTMENT,
            "subject": activity.subject,
            "start": new_start.strftime("%Y-%m-%dT%H:%M"),
            "end": (new_start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "status": ActivityStatus.OPEN,
            "delegated_to": teammate.pk,
            "version": activity.version,
        },
    )
    assert response.status_code == 302
    assert Notification.objects.filter(recipient=teammate, kind="appointment_changed").exists()
    assert teammate_client.post(f"/aktivitaeten/{activity.pk}/erledigt/").status_code == 302
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.DONE and activity.done_at is not None


def test_stranger_cannot_edit(marketing_client, rep):
    activity = ActivityFactory(delegated_to=rep, created_by=rep)
    assert marketing_client.get(f"/aktivitaeten/{activity.pk}/bearbeiten/").status_code == 403
    assert marketing_client.post(f"/aktivitaeten/{activity.pk}/erledigt/").status_code == 403


def test_subarea_selectors_newest_first():
    company = CompanyFactory()
    person = PersonFactory(company=company)
    old = ActivityFactory(person=person)
    new = ActivityFactory(person=None, company=company)
    recipient_of = ActivityFactory(person=None, company=None)
    recipient_of.recipients.add(person)
    Activity.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=3))
    assert list(activities_for_company(company)) == [new, old]
    assert list(activities_for_person(person)) == [recipient_of, old]


def test_unsent_mail_card_links_back_to_mail_dialog(rep_client, rep):
    from activities.models import MailState, MailTemplate
    from processes.services import lead_create_mail_activity

    lead = lead_with_appointment(appointment_with=rep)
    activity = lead_create_mail_activity(
        lead=lead, template=MailTemplate.objects.get(name="Meeting"), user=rep
    )
    Activity.objects.filter(pk=activity.pk).update(
        mail_state=MailState.FAILED, mail_error="Versand fehlgeschlagen: ESP down"
    )
    html = rep_client.get(f"/aktivitaeten/{activity.pk}/").content.decode()
    assert "Versand fehlgeschlagen: ESP down" in html
    assert f"/leads/{lead.pk}/prozesse/mail/{activity.pk}/" in html


@pytest.mark.parametrize("target", ["person", "company", "lead"])
@pytest.mark.parametrize("size", [2, 15])
def test_subarea_fragment_newest_first_constant_queries(
    rep_client, rep, target, size, django_assert_max_num_queries
):
    lead = lead_with_appointment(appointment_with=rep)
    person = lead.lead_contacts.get(is_main=True).person
    rows = ActivityFactory.create_batch(size, person=person, delegated_to=rep)
    lead.activities.add(*rows)
    Activity.objects.filter(pk=rows[0].pk).update(created_at=timezone.now() + dt.timedelta(1))
    pk = {"person": person.pk, "company": person.company_id, "lead": lead.pk}[target]
    with django_assert_max_num_queries(7):
        response = rep_client.get(
            f"/aktivitaeten/unterbereich/?{target}={pk}", headers={"HX-Request": "true"}
        )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert html.index(rows[0].subject) < html.index(rows[1].subject)
    assert f"/aktivitaeten/neu/?{target}={pk}" in html


def test_subarea_needs_a_target_and_refuses_outsider(rep_client, outsider_client):
    assert rep_client.get("/aktivitaeten/unterbereich/").status_code == 400
    assert outsider_client.get("/aktivitaeten/unterbereich/?person=1").status_code == 403
