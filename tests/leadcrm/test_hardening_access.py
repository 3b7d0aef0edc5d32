"""Issue 19, point 2: authorisation in the write paths — import update mode, import runs
owned by their uploader, activities on leads the user may not edit, the staff flag, the
erasure permission."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.urls import reverse

from accounts.models import Role
from capture.imports import run as import_runner
from leads.models import DuplicateMode, Lead, LeadImport
from privacy.services import can_erase
from tests.capture.test_import_leads import make_csv, upload
from tests.factories import LeadFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_import_update_mode_skips_leads_the_importer_may_not_edit(marketing, teammate):
    """A Marketing user took over a rep's lead (Nachbetreuung durch) with a CSV."""
    theirs = LeadFactory(email="rep@kunde.de", follow_up_by=teammate, company_name="Alt")
    free = LeadFactory(email="frei@kunde.de", follow_up_by=None, company_name="Alt")
    lead_import = upload(
        marketing,
        make_csv(
            [["Neu", "N", "rep@kunde.de"], ["Neu", "N", "frei@kunde.de"]],
            header=["Firma", "Nachname", "E-Mail"],
        ),
    )
    lead_import.duplicate_mode = DuplicateMode.UPDATE
    lead_import.save()
    import_runner.import_run(lead_import=lead_import)
    lead_import.refresh_from_db()
    theirs.refresh_from_db()
    free.refresh_from_db()
    assert theirs.company_name == "Alt" and theirs.follow_up_by == teammate
    assert free.company_name == "Neu"
    assert (lead_import.updated_count, lead_import.skipped_count) == (1, 1)
    issue = lead_import.issues.get(lead_id=theirs.pk)
    assert "darf von Ihnen nicht geändert werden" in issue.message


@pytest.fixture
def teammates_import(teammate):
    lead_import = LeadImport.objects.create(
        original_name="messe.csv", file_format="csv", created_by=teammate
    )
    lead_import.file.save("messe.csv", ContentFile(b"Firma;Nachname\nA;B\n"), save=True)
    return lead_import


@pytest.mark.parametrize(
    "name", ["capture:import_mapping", "capture:import_detail", "capture:import_errors"]
)
def test_import_runs_belong_to_their_uploader(name, teammates_import, marketing_client,
                                              manager_client):  # fmt: skip
    url = reverse(name, args=[teammates_import.pk])
    assert marketing_client.get(url).status_code == 404
    assert manager_client.get(url).status_code < 400 or manager_client.get(url).status_code == 302


def test_import_cancel_and_resume_belong_to_their_uploader(teammates_import, marketing_client):
    for name in ("capture:import_cancel", "capture:import_resume"):
        response = marketing_client.post(reverse(name, args=[teammates_import.pk]))
        assert response.status_code == 404


def test_own_import_list_only(teammates_import, marketing_client):
    page = marketing_client.get(reverse("capture:import_upload")).content.decode()
    assert reverse("capture:import_detail", args=[teammates_import.pk]) not in page


def test_activity_cannot_be_attached_to_a_lead_the_user_may_not_edit(rep_client, teammate):
    lead = LeadFactory(follow_up_by=teammate)
    person = PersonFactory()
    url = reverse("activities:create") + f"?lead={lead.pk}"
    assert rep_client.get(url).status_code == 403
    response = rep_client.post(url, {"kind": "note", "subject": "x", "person": person.pk})
    assert response.status_code == 403
    assert not Lead.objects.get(pk=lead.pk).activities.exists()


def test_activity_on_an_editable_lead_still_works(rep_client, rep):
    lead = LeadFactory(follow_up_by=rep)
    assert rep_client.get(reverse("activities:create") + f"?lead={lead.pk}").status_code == 200


def test_staff_flag_alone_grants_no_app_role(client):
    staff = UserFactory(username="nurstaff", is_staff=True, is_superuser=False)
    client.force_login(staff)
    assert client.get(reverse("leads:list")).status_code == 403
    lead = LeadFactory()
    assert client.post(reverse("privacy:gdpr_lead_erase", args=[lead.pk]), {}).status_code == 403
    assert client.get("/admin/").status_code == 200  # the admin stays open to staff


def test_erasure_needs_the_explicit_permission(manager, rep):
    assert can_erase(manager)  # the Vertriebsleitung group holds it
    assert not can_erase(rep)
    other_manager = UserFactory(roles=[Role.SALES_MANAGER])
    other_manager.groups.get(name=Role.SALES_MANAGER).permissions.remove(
        Permission.objects.get(codename="erase_personal_data")
    )
    assert not can_erase(UserFactory(roles=[Role.SALES_MANAGER]))
    granted = UserFactory(roles=[Role.SALES])
    granted.user_permissions.add(Permission.objects.get(codename="erase_personal_data"))
    assert can_erase(granted)
