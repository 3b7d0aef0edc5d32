"""The lead list's "stale" filter: the weekly digest's link shows exactly my stale leads."""

import pytest
from django.urls import reverse

from leads.filters import LeadFilter
from leads.jobs.stale import stale_digests_send
from leads.models import Lead
from notifications.models import Kind, Notification
from tests import factories as f

pytestmark = pytest.mark.django_db


def _numbers(response) -> set[str]:
    return {lead.number for lead in response.context["page"].items}


def test_digest_link_lists_only_my_stale_leads(rep, teammate, rep_client):
    mine_stale = f.LeadFactory(follow_up_by=rep, is_stale=True)
    mine_fresh = f.LeadFactory(follow_up_by=rep, is_stale=False)
    theirs_stale = f.LeadFactory(follow_up_by=teammate, is_stale=True)
    stale_digests_send()
    digest = Notification.objects.get(recipient=rep, kind=Kind.STALE_DIGEST)

    response = rep_client.get(digest.url)

    assert response.status_code == 200
    shown = _numbers(response)
    assert mine_stale.number in shown
    assert mine_fresh.number not in shown
    assert theirs_stale.number not in shown


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"stale": "on"}, {"stale"}),
        ({"stale": ""}, {"stale", "fresh"}),
        ({}, {"stale", "fresh"}),
    ],
)
def test_stale_filter_unchecked_means_all(rep, params, expected):
    leads = {
        "stale": f.LeadFactory(follow_up_by=rep, is_stale=True),
        "fresh": f.LeadFactory(follow_up_by=rep, is_stale=False),
    }
    filterset = LeadFilter(params or None, queryset=Lead.objects.all(), user=rep)
    assert set(filterset.qs.values_list("pk", flat=True)) == {leads[k].pk for k in expected}


def test_stale_checkbox_is_in_the_filter_form(rep_client):
    response = rep_client.get(reverse("leads:list"), {"stale": "on"})
    assert response.status_code == 200
    form = response.context["filter"].form
    assert form.is_valid()
    assert form.cleaned_data["stale"] is True
