"""GDPR: export (JSON and page) with access log, erasure for managers only, consent
withdrawal by staff, person pages."""

import json

import pytest
from django.urls import reverse

from leads.errors import LeadError
from leads.models import ConsentAction, ConsentRecord, DataAccessAction, PersonalDataAccess
from privacy.services import lead_erase, person_erase
from tests.factories import ActivityFactory, LeadFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(rep):
    lead = LeadFactory(
        first_name="Julia",
        last_name="Schneider",
        email="julia@sonnenhof.de",
        follow_up_by=rep,
        notes="Privat erreichbar ab 18 Uhr.",
    )
    ConsentRecord.objects.create(
        lead=lead,
        action=ConsentAction.CONFIRMED,
        email=lead.email,
        ip_address="203.0.113.5",
        user_agent="Firefox",
        text_version="2026-1",
    )
    lead.activities.add(ActivityFactory(subject="Rückruf Frau Schneider"))
    return lead


@pytest.mark.smoke
def test_json_export_contains_everything_and_is_logged(manager_client, manager, lead):
    response = manager_client.get(reverse("privacy:gdpr_lead_export", args=[lead.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["lead"]["nachname"] == "Schneider"
    assert data["lead"]["e_mail"] == "julia@sonnenhof.de"
    assert data["einwilligungen"][0]["ip_adresse"] == "203.0.113.5"
    assert data["aktivitaeten"][0]["betreff"] == "Rückruf Frau Schneider"
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.action, access.lead) == (manager, DataAccessAction.EXPORTED, lead)


def test_page_shows_data_and_logs_view(rep_client, lead):
    response = rep_client.get(reverse("privacy:gdpr_lead", args=[lead.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Schneider" in html and "Einwilligungsprotokoll" in html and "Bestätigt" in html
    assert PersonalDataAccess.objects.filter(action=DataAccessAction.VIEWED, lead=lead).count() == 1
    assert "Jetzt anonymisieren" not in html  # a rep may not erase


def test_manager_erases_lead(manager_client, manager, lead):
    response = manager_client.post(
        reverse("privacy:gdpr_lead_erase", args=[lead.pk]),
        {"reason": "Löschersuchen per E-Mail vom 20.11."},
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.anonymised_at is not None
    assert (lead.first_name, lead.last_name, lead.email, lead.notes) == ("", "", "", "")
    assert not lead.history.filter(last_name="Schneider").exists()
    consent = ConsentRecord.objects.get()
    assert (consent.email, consent.ip_address, consent.user_agent) == ("", None, "")
    log = PersonalDataAccess.objects.get(action=DataAccessAction.ERASED)
    assert log.user == manager and "Löschersuchen" in log.reason


def test_rep_cannot_erase(rep_client, rep, lead):
    response = rep_client.post(reverse("privacy:gdpr_lead_erase", args=[lead.pk]), {"reason": "x"})
    assert response.status_code == 403
    with pytest.raises(LeadError):
        lead_erase(lead=lead, user=rep, reason="x")
    lead.refresh_from_db()
    assert lead.anonymised_at is None


def test_erase_needs_reason_and_only_once(manager, lead):
    with pytest.raises(LeadError):
        lead_erase(lead=lead, user=manager, reason="  ")
    lead_erase(lead=lead, user=manager, reason="Ersuchen")
    with pytest.raises(LeadError):
        lead_erase(lead=lead, user=manager, reason="Ersuchen")


def test_person_export_and_erase(manager_client, manager):
    person = PersonFactory(first_name="Karl", last_name="Bauer", email="karl@bauer.de")
    ConsentRecord.objects.create(person=person, action=ConsentAction.CONFIRMED, email=person.email)
    data = json.loads(
        manager_client.get(reverse("privacy:gdpr_person_export", args=[person.pk])).content
    )
    assert data["person"]["nachname"] == "Bauer"
    assert manager_client.get(reverse("privacy:gdpr_person", args=[person.pk])).status_code == 200
    person_erase(person=person, user=manager, reason="Ersuchen")
    person.refresh_from_db()
    assert (person.first_name, person.last_name, person.email) == ("", "Gelöscht", "")
    assert not person.history.filter(last_name="Bauer").exists()
    assert ConsentRecord.objects.get().email == ""
    assert PersonalDataAccess.objects.filter(person=person).count() == 3


def test_staff_records_withdrawal(rep_client, rep, lead):
    response = rep_client.post(reverse("privacy:lead_consent_withdraw", args=[lead.pk]))
    assert response.status_code == 302
    record = ConsentRecord.objects.get(action=ConsentAction.WITHDRAWN)
    assert record.recorded_by == rep and record.lead == lead


def test_outsider_refused_everywhere(outsider_client, lead):
    person = PersonFactory()
    for method, url in [
        ("get", reverse("privacy:gdpr_lead", args=[lead.pk])),
        ("get", reverse("privacy:gdpr_lead_export", args=[lead.pk])),
        ("post", reverse("privacy:gdpr_lead_erase", args=[lead.pk])),
        ("post", reverse("privacy:lead_consent_withdraw", args=[lead.pk])),
        ("get", reverse("privacy:gdpr_person", args=[person.pk])),
        ("get", reverse("privacy:gdpr_person_export", args=[person.pk])),
        ("post", reverse("privacy:gdpr_person_erase", args=[person.pk])),
    ]:
        assert getattr(outsider_client, method)(url).status_code == 403, url
    assert not PersonalDataAccess.objects.exists()


def test_page_query_count(rep_client, lead, django_assert_max_num_queries):
    url = reverse("privacy:gdpr_lead", args=[lead.pk])
    with django_assert_max_num_queries(25):
        rep_client.get(url)
    for _i in range(10):
        lead.activities.add(ActivityFactory())
        ConsentRecord.objects.create(lead=lead, action=ConsentAction.REQUESTED)
    with django_assert_max_num_queries(25):
        rep_client.get(url)


def test_access_log_keeps_the_client_address_behind_the_proxy(settings, manager_client, lead):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    manager_client.get(reverse("privacy:gdpr_lead", args=[lead.pk]), **proxy)
    manager_client.post(
        reverse("privacy:gdpr_lead_erase", args=[lead.pk]), {"reason": "Ersuchen"}, **proxy
    )
    logged = PersonalDataAccess.objects.filter(lead=lead).values_list("action", "ip_address")
    assert sorted(logged) == [
        (DataAccessAction.ERASED, "198.51.100.7"),
        (DataAccessAction.VIEWED, "198.51.100.7"),
    ]


def test_person_page_acts_on_the_person(manager_client):
    person = PersonFactory(last_name="Bauer")
    ConsentRecord.objects.create(person=person, action=ConsentAction.CONFIRMED, email="k@b.de")
    html = manager_client.get(reverse("privacy:gdpr_person", args=[person.pk])).content.decode()
    assert reverse("privacy:gdpr_person_export", args=[person.pk]) in html
    assert f'action="{reverse("privacy:gdpr_person_erase", args=[person.pk])}"' in html
    assert "Bestätigt" in html and "Widerruf erfassen" not in html
    response = manager_client.post(
        reverse("privacy:gdpr_person_erase", args=[person.pk]), {"reason": "Ersuchen"}
    )
    assert response["Location"] == reverse("privacy:gdpr_person", args=[person.pk])
    person.refresh_from_db()
    assert person.last_name == "Gelöscht"


def test_erased_lead_page_says_when(manager_client, manager, lead):
    lead_erase(lead=lead, user=manager, reason="Ersuchen")
    html = manager_client.get(reverse("privacy:gdpr_lead", args=[lead.pk])).content.decode()
    assert "Anonymisiert am" in html and "Jetzt anonymisieren" not in html
