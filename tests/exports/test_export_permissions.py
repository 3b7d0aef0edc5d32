"""Bulk export and GDPR downloads need the manager or the privacy permission (issue #19,
point 3); an export over the row limit is refused with the limit stated (no silent cap)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from leads.permissions import can_download_personal_data, can_export_leads
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def test_rule_manager_and_privacy_permission(rep, manager, marketing, outsider):
    assert can_export_leads(manager)
    assert not can_export_leads(rep)
    assert not can_export_leads(marketing)
    assert not can_export_leads(outsider)
    rep.user_permissions.add(Permission.objects.get(codename="erase_personal_data"))
    rep = type(rep).objects.get(pk=rep.pk)  # a fresh permission cache
    assert can_export_leads(rep) and can_download_personal_data(rep)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_rep_without_permission_gets_403_in_german(rep_client, fmt):
    LeadFactory()
    response = rep_client.get(reverse("leads:export"), {"format": fmt})
    assert response.status_code == 403
    assert "Berechtigung der Vertriebsleitung" in response.content.decode()


def test_manager_exports(manager_client):
    LeadFactory.create_batch(3)
    response = manager_client.get(reverse("leads:export"), {"format": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert len(body.strip().splitlines()) == 4  # header + 3 leads


def test_gdpr_download_refused_for_rep(rep_client, manager_client):
    lead = LeadFactory()
    url = reverse("privacy:gdpr_lead_export", args=[lead.pk])
    refused = rep_client.get(url)
    assert refused.status_code == 403
    assert "DSGVO" in refused.content.decode()
    page = rep_client.get(reverse("privacy:gdpr_lead", args=[lead.pk]))
    assert page.status_code == 200 and url not in page.content.decode()
    assert manager_client.get(url).status_code == 200


def test_export_over_limit_is_refused_with_the_limit(manager_client, settings):
    settings.LEAD_EXPORT_MAX_ROWS = 2
    LeadFactory.create_batch(3)
    response = manager_client.get(reverse("leads:export"), {"format": "xlsx"})
    assert response.status_code == 400
    assert "mehr als 2 Leads" in response.content.decode()


@pytest.mark.parametrize(
    "params", [{"format": "\x00"}, {"sort": "²"}, {"page": "9" * 40}, {"format": ["a", "b"]}]
)
def test_bad_params_no_500(manager_client, params):
    assert manager_client.get(reverse("leads:export"), params).status_code in (200, 400)
