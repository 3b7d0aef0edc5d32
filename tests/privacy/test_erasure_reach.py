"""Erasure and retention reach the subject's activities, documents and import issues; the
person's GDPR page shows their leads' consents; each erasure leaves a report with counts;
stored import files are purged after the import (issue #15, point 10)."""

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, Document
from capture.imports import files as import_files
from capture.imports import run as import_runner
from jobs.models import JobState
from leads.models import (
    ConsentAction,
    ConsentRecord,
    Lead,
    LeadImport,
    LeadImportIssue,
)
from privacy import retention
from privacy.erasure import ERASED_SUBJECT
from privacy.models import ErasureReport
from privacy.services import lead_erase, person_erase
from tests.factories import (
    ActivityFactory,
    DocumentFactory,
    LeadContactFactory,
    LeadFactory,
    MailTemplateFactory,
    OpportunityFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(rep):
    lead = LeadFactory(
        first_name="Julia", last_name="Schneider", email="julia@sonnenhof.de", follow_up_by=rep
    )
    note = ActivityFactory(
        subject="Rückruf Frau Schneider", body="Privat: 0171 555", person=None, company=None
    )
    mail = ActivityFactory(
        email_out=True, person=None, company=None, mail_to="julia@sonnenhof.de", mail_cc="x@y.de"
    )
    mail.contact_name = "Julia Schneider"
    mail.contact_email = "julia@sonnenhof.de"
    mail.save()
    own_doc = DocumentFactory(title="Skizze Hallendach Schneider")
    brochure = DocumentFactory(title="Broschüre")
    MailTemplateFactory().documents.add(brochure)
    mail.documents.add(own_doc, brochure)
    lead.activities.add(note, mail)
    return lead


def test_lead_erasure_anonymises_activities_and_deletes_own_documents(
    manager, lead, django_capture_on_commit_callbacks
):
    own = Document.objects.get(title="Skizze Hallendach Schneider")
    path = own.file.name
    assert default_storage.exists(path)
    with django_capture_on_commit_callbacks(execute=True):
        report = lead_erase(lead=lead, user=manager, reason="Ersuchen")
    for activity in Activity.objects.all():
        assert activity.subject == ERASED_SUBJECT
        assert (activity.body, activity.mail_to, activity.mail_cc) == ("", "", "")
        assert (activity.contact_name, activity.contact_email) == ("", "")
    assert not Document.objects.filter(pk=own.pk).exists()
    assert not default_storage.exists(path)
    assert Document.objects.filter(title="Broschüre").exists()  # the template's stays
    assert (report.counts["leads"], report.counts["activities"], report.counts["documents"]) == (
        1,
        2,
        1,
    )
    assert "2 Aktivitäten anonymisiert, 1 Dokument gelöscht" in report.summary()


def test_erasure_report_shown_on_the_page(manager_client, lead):
    response = manager_client.post(
        reverse("privacy:gdpr_lead_erase", args=[lead.pk]), {"reason": "Ersuchen"}, follow=True
    )
    html = response.content.decode()
    assert "1 Lead anonymisiert" in html and "2 Aktivitäten anonymisiert" in html
    assert "Löschberichte" in html
    assert ErasureReport.objects.get().lead == lead


def _import_with_issues(user, rows: str) -> LeadImport:
    lead_import = import_files.import_upload(
        upload=SimpleUploadedFile("messe.csv", ("Firma;Nachname;E-Mail;Telefon\n" + rows).encode()),
        user=user,
    )
    import_runner.import_run(lead_import=lead_import)
    return lead_import


def test_erasure_blanks_the_persons_import_issues(manager, marketing, lead):
    # a skipped duplicate of the lead and a refused row with its e-mail
    _import_with_issues(
        marketing,
        "Sonnenhof;Schneider;julia@sonnenhof.de;\n"
        "Sonnenhof;Schneider;JULIA@sonnenhof.de;12\n"
        "Andere;Meier;meier@andere.de;12\n",
    )
    assert LeadImportIssue.objects.count() == 3
    report = lead_erase(lead=lead, user=manager, reason="Ersuchen")
    assert report.counts["import_issues"] == 2
    blanked = LeadImportIssue.objects.exclude(email="meier@andere.de")
    assert all(i.values == {} and i.email == "" for i in blanked)
    assert all("julia" not in i.message.casefold() for i in blanked)
    other = LeadImportIssue.objects.get(email="meier@andere.de")
    assert other.values["Nachname"] == "Meier"  # someone else's row stays


def test_person_erasure_reaches_leads_activities_and_mails(
    manager, django_capture_on_commit_callbacks
):
    person = PersonFactory(first_name="Julia", last_name="Schneider", email="js@sonnenhof.de")
    lead = LeadFactory(last_name="Schneider", email="js@sonnenhof.de")
    LeadContactFactory(lead=lead, person=person, is_main=True)
    own = ActivityFactory(person=person, subject="Termin mit Frau Schneider")
    other_mail = ActivityFactory(
        email_out=True, subject="Rundmail", mail_cc="js@sonnenhof.de, chef@firma.de"
    )
    other_mail.recipients.add(person)
    with django_capture_on_commit_callbacks(execute=True):
        report = person_erase(person=person, user=manager, reason="Ersuchen")
    own.refresh_from_db()
    other_mail.refresh_from_db()
    lead.refresh_from_db()
    assert own.subject == ERASED_SUBJECT
    assert other_mail.subject == "Rundmail"  # someone else's activity keeps its text …
    assert other_mail.mail_cc == "chef@firma.de"  # … but not the person
    assert not other_mail.recipients.exists()
    assert lead.anonymised_at is not None and lead.email == ""
    assert (report.counts["persons"], report.counts["leads"]) == (1, 1)
    assert report.counts["activities"] == 1 and report.counts["recipient_links"] == 1


def test_person_page_shows_the_consents_of_the_persons_leads(manager_client):
    person = PersonFactory()
    lead = LeadFactory()
    LeadContactFactory(lead=lead, person=person, is_main=True)
    ConsentRecord.objects.create(
        lead=lead, action=ConsentAction.CONFIRMED, email=lead.email, text_version="2026-1"
    )
    html = manager_client.get(reverse("privacy:gdpr_person", args=[person.pk])).content.decode()
    assert "Keine Einwilligungen erfasst" not in html
    assert "Bestätigt" in html and "2026-1" in html
    export = manager_client.get(reverse("privacy:gdpr_person_export", args=[person.pk])).json()
    assert export["einwilligungen"][0]["textversion"] == "2026-1"


def test_retention_anonymises_the_leads_activities(lead, settings):
    Lead.objects.filter(pk=lead.pk).update(updated_at=timezone.now() - dt.timedelta(days=900))
    result = retention.retention_apply(dry_run=False)
    assert result.count == 1 and result.activities == 2 and result.documents == 1
    assert set(Activity.objects.values_list("subject", flat=True)) == {ERASED_SUBJECT}


def test_import_files_are_purged_after_the_retention_days(marketing, settings):
    settings.LEADCRM = {**settings.LEADCRM, "IMPORT_FILE_RETENTION_DAYS": 7}
    done = _import_with_issues(marketing, "A;B;kaputt;\n")
    from jobs.models import Job

    done.job = Job.objects.create(
        kind="lead_import",
        title="Import",
        state=JobState.DONE,
        finished_at=timezone.now() - dt.timedelta(days=8),
    )
    done.save()
    fresh = _import_with_issues(marketing, "C;D;auch-kaputt;\n")
    fresh.job = Job.objects.create(
        kind="lead_import", title="Import", state=JobState.DONE, finished_at=timezone.now()
    )
    fresh.save()
    abandoned = import_files.import_upload(
        upload=SimpleUploadedFile("alt.csv", b"Firma\nX\n"), user=marketing
    )
    LeadImport.objects.filter(pk=abandoned.pk).update(
        created_at=timezone.now() - dt.timedelta(days=8)
    )
    path = done.file.name
    assert default_storage.exists(path)
    assert retention.import_files_purge() == 2
    done.refresh_from_db()
    assert done.file_purged_at is not None and not done.file
    assert not default_storage.exists(path)
    issue = done.issues.get()
    assert issue.values == {} and "kaputt" not in issue.message
    fresh.refresh_from_db()
    assert fresh.file and fresh.issues.get().values  # within the retention days
    assert import_files.import_resume(lead_import=done) is False
    assert retention.import_files_purge() == 0  # safe to run twice


def test_erasure_and_retention_clear_the_opportunity_notes(manager, lead):
    opportunity = OpportunityFactory(lead=lead, description="Notiz: Frau Schneider, privat 0171")
    report = lead_erase(lead=lead, user=manager, reason="Ersuchen")
    opportunity.refresh_from_db()
    assert opportunity.description == ""
    assert all(h.description == "" for h in opportunity.history.all())
    assert report.counts["opportunities"] == 1
    assert opportunity.amount is not None  # the figures stay (statistics)


def test_gdpr_page_shows_local_german_dates_and_country_names(manager_client, lead):
    Lead.objects.filter(pk=lead.pk).update(
        country="AT", created_at=dt.datetime(2026, 12, 2, 16, 22, 2, 368304, tzinfo=dt.UTC)
    )
    html = manager_client.get(reverse("privacy:gdpr_lead", args=[lead.pk])).content.decode()
    assert "02.12.2026 17:22" in html
    assert "Österreich" in html
    assert "2026-12-02" not in html and "+00:00" not in html and ">AT<" not in html
