"""Lead mask: consent log tab and "Weitere Aktionen" (DSGVO, Zusammenführen); lead list:
"Importieren" for the roles that may import."""

from __future__ import annotations

import pytest
from django.urls import reverse

from leads.models import ConsentRecord
from leads.services.lead import lead_create
from tests.factories.leads import lead_data


@pytest.mark.django_db
def test_mask_shows_consent_log_and_more_actions(rep, manager_client):
    lead = lead_create(
        data={**lead_data(), "follow_up_by": rep, "company_name": "Einwilligung AG"}, user=rep
    ).lead
    ConsentRecord.objects.create(
        lead=lead, action="confirmed", email="kunde@example.com", text_version="v3"
    )
    html = manager_client.get(reverse("leads:detail", args=[lead.pk])).content.decode()
    assert "Einwilligungen" in html
    assert "kunde@example.com" in html and "v3" in html
    assert "Weitere Aktionen" in html
    assert reverse("privacy:gdpr_lead", args=[lead.pk]) in html
    assert reverse("merge:lead", args=[lead.pk]) in html


@pytest.mark.django_db
def test_read_only_mask_has_gdpr_but_no_merge_link(rep, teammate, rep_client):
    lead = lead_create(data={**lead_data(), "follow_up_by": teammate}, user=teammate).lead
    html = rep_client.get(reverse("leads:detail", args=[lead.pk])).content.decode()
    assert reverse("privacy:gdpr_lead", args=[lead.pk]) in html
    assert reverse("merge:lead", args=[lead.pk]) not in html
    assert "Keine Einwilligungen erfasst." in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("client_fixture", "shown"),
    [
        ("rep_client", False),
        ("marketing_client", True),
        ("manager_client", True),
        ("admin_client_staff", True),
    ],
)
def test_list_import_button_for_importing_roles(request, client_fixture, shown):
    client = request.getfixturevalue(client_fixture)
    html = client.get(reverse("leads:list")).content.decode()
    assert (reverse("capture:import_upload") in html) is shown
    if shown:
        assert client.get(reverse("capture:import_upload")).status_code == 200
