"""Performance features (issue 9): bounded board counts, the beat-refreshed dashboard summary.

Functional checks only: timings live in bench/ (`make bench`), never in tests.
"""

import pytest
from django.core.cache import cache
from django.urls import reverse

from boards import selectors
from boards.summary import CACHE_KEY, refresh_summary
from tests.factories import LeadFactory, status

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_summary():
    cache.delete(CACHE_KEY)
    yield
    cache.delete(CACHE_KEY)


def test_board_counts_are_bounded(rep_client, monkeypatch):
    monkeypatch.setattr(selectors, "BOARD_COUNT_LIMIT", 2)
    offen = status("Offen")
    LeadFactory.create_batch(3, status=offen)
    response = rep_client.get(reverse("boards:lead_board"))
    column = next(c for c in response.context["columns"] if c.status == offen)
    assert column.capped and column.count == 2
    assert f'id="count-lead-{offen.pk}" data-capped' in response.content.decode()
    assert ">2+</span>" in response.content.decode()


def test_board_counts_below_the_limit_are_exact(rep_client):
    offen = status("Offen")
    LeadFactory.create_batch(3, status=offen)
    response = rep_client.get(reverse("boards:lead_board"))
    column = next(c for c in response.context["columns"] if c.status == offen)
    assert not column.capped and column.count == 3


def test_dashboard_served_from_summary_with_its_age(rep_client, no_summary):
    LeadFactory(status=status("Offen"))
    refresh_summary()
    LeadFactory(status=status("Offen"))  # after the refresh: not in the summary yet
    response = rep_client.get(reverse("boards:dashboard"))
    assert response.context["summary_at"] is not None
    assert 'id="dashboard-summary-age"' in response.content.decode()
    tiles = {tile.key: tile.value for tile in response.context["tiles"]}
    assert tiles["new"] == 1  # the summary's figure; live it would be 2
    assert response.context["tiles"][0].url  # tile links still follow the form


def test_dashboard_with_filter_is_live(rep_client, no_summary):
    refresh_summary()
    response = rep_client.get(reverse("boards:dashboard"), {"period": "30"})
    assert response.context["summary_at"] is None
    assert 'id="dashboard-summary-age"' not in response.content.decode()


def test_dashboard_without_summary_is_live(rep_client, no_summary):
    response = rep_client.get(reverse("boards:dashboard"))
    assert response.context["summary_at"] is None
