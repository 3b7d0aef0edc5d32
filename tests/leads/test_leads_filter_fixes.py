"""Lead list filters: the active-filter count and the "Alle" empty choice."""

import re

import pytest
from django.urls import reverse

from contacts.models import LeadStatus
from leads.filters import LeadFilter
from leads.models import Lead

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"stale": "on"}, 1),
        ({"overdue": "on", "stale": "on"}, 2),
        ({"q": "", "status": [], "phase": [], "stale": ""}, 0),
        ({"phase": ["open", "working"]}, 1),
        ({"follow_up_by": "me", "score_min": "10"}, 2),
    ],
)
def test_active_count_skips_empty_selections(rep, params, expected):
    filterset = LeadFilter(params, queryset=Lead.objects.all(), user=rep)
    assert filterset.active_count == expected


def test_active_count_counts_a_chosen_status(rep):
    status = LeadStatus.objects.first()
    assert status is not None
    filterset = LeadFilter({"status": [status.pk]}, queryset=Lead.objects.all(), user=rep)
    assert filterset.active_count == 1


def test_unbound_filter_counts_nothing(rep):
    assert LeadFilter(None, queryset=Lead.objects.all(), user=rep).active_count == 0


def test_every_single_select_offers_alle_first(rep):
    form = LeadFilter(None, queryset=Lead.objects.all(), user=rep).form
    for name in ("source", "type", "interest", "campaign", "appointment_with", "follow_up_by"):
        choices = list(form.fields[name].choices)
        labels = [str(label) for _value, label in choices]
        assert labels[0] == "Alle", name
        assert "---------" not in labels, name
        assert [value for value, _label in choices].count("") == 1, name


def test_list_page_renders_alle_not_dashes(rep_client):
    html = rep_client.get(reverse("leads:list")).content.decode()
    assert "---------" not in html


def test_filter_panel_has_stale_checkbox_and_is_collapsible(rep_client):
    html = rep_client.get(reverse("leads:list"), {"stale": "on"}).content.decode()
    stale_input = re.search(r"<input[^>]*name=\"stale\"[^>]*>", html)
    assert stale_input is not None
    assert "checked" in stale_input.group(0)
    assert 'class="collapse d-lg-block' in html
    assert 'data-bs-target="#lead-filter-panel"' in html
