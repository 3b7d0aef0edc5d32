"""History tab: field changes from django-simple-history and status durations."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from leads.models import LeadStatusChange
from leads.selectors import format_duration, lead_history, status_durations
from leads.services.lead import lead_create, lead_update
from leads.services.lifecycle import lead_set_status
from tests import factories as f
from tests.factories.leads import lead_data


@pytest.mark.django_db
def test_history_lists_field_changes_with_user(rep, teammate):
    lead = lead_create(
        data={**lead_data(), "company_name": "Alt GmbH"}, user=rep, interests=[]
    ).lead
    lead_update(
        lead=lead,
        data={"company_name": "Neu GmbH", "source": f.source("Messe")},
        user=teammate,
        expected_version=1,
        interests=[f.interest("Windkraft")],
    )
    entries = lead_history(lead)
    newest = entries[0]
    changes = {name: (old, new) for entry in entries[:2] for name, old, new in entry["changes"]}
    assert changes["Unternehmen"] == ("Alt GmbH", "Neu GmbH")
    assert changes["Quelle"] == ("—", "Messe")
    assert changes["Interessensschwerpunkte"] == ("—", "Windkraft")
    assert newest["user"] == teammate
    assert entries[-1]["type"] == "+"


@pytest.mark.django_db
def test_status_durations(rep):
    lead = lead_create(data=lead_data(), user=rep).lead
    lead = lead_set_status(lead=lead, status=f.status("Kontaktiert"), user=rep, expected_version=1)
    first = LeadStatusChange.objects.filter(lead=lead).order_by("changed_at").first()
    first.changed_at = timezone.now() - dt.timedelta(days=3, hours=2)
    first.save()
    rows = status_durations(lead)
    assert rows[0]["current"] and rows[0]["change"].to_status.name == "Kontaktiert"
    assert rows[1]["change"].to_status.name == "Offen"
    assert format_duration(rows[1]["duration"]).startswith("3 T.")


@pytest.mark.django_db
def test_history_view_full_page_and_fragment(rep, rep_client):
    lead = lead_create(data={**lead_data(), "company_name": "Verlauf GmbH"}, user=rep).lead
    lead_update(lead=lead, data={"city": "Kiel"}, user=rep, expected_version=1)
    url = reverse("leads:history", args=[lead.pk])
    page = rep_client.get(url)
    assert page.status_code == 200 and "<html" in page.content.decode()
    fragment = rep_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and "Kiel" in fragment and "Offen" in fragment
