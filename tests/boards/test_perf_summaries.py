"""Performance features (issue 9): bounded board counts, the beat-refreshed dashboard summary.

Functional checks only: timings live in bench/ (`make bench`), never in tests.
"""

import pytest
from django.core.cache import cache
from django.urls import reverse

from boards import selectors
from boards.dashboard import PERIOD_KEYS
from boards.summary import cache_key, refresh_summary
from boards.views.dashboard import PERIODS
from tests.factories import LeadFactory, status

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_summary():
    keys = [cache_key(period) for period in PERIOD_KEYS]
    cache.delete_many(keys)
    yield
    cache.delete_many(keys)


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


def test_dashboard_with_owner_or_campaign_is_live(rep, rep_client, no_summary):
    refresh_summary()
    for params in ({"owner": rep.pk}, {"owner": rep.pk, "period": "30"}):
        response = rep_client.get(reverse("boards:dashboard"), params)
        assert response.context["summary_at"] is None
        assert 'id="dashboard-summary-age"' not in response.content.decode()


def test_dashboard_by_period_served_from_its_summary(rep_client, no_summary):
    from django.utils import timezone

    old = LeadFactory(status=status("Offen"))
    type(old).objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timezone.timedelta(days=100)
    )
    LeadFactory(status=status("Offen"))
    refresh_summary()
    LeadFactory(status=status("Offen"))  # after the refresh: in no summary yet

    def total(period):
        response = rep_client.get(reverse("boards:dashboard"), {"period": period})
        assert response.context["summary_at"] is not None, period
        status_source = response.context["charts"][0]
        return sum(row[-1] for row in status_source.rows)

    assert total("") == 2
    assert total("90") == 1  # created 100 days ago: outside the last 90 days
    assert total("365") == 2


def test_period_keys_match_the_form():
    assert tuple(key for key, _label in PERIODS) == PERIOD_KEYS


def test_dashboard_without_summary_is_live(rep_client, no_summary):
    response = rep_client.get(reverse("boards:dashboard"))
    assert response.context["summary_at"] is None
