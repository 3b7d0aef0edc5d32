"""Lost reasons, time in status (median/p90), engagement conversion and the drill-down links
of the dashboard (boards/insights.py, boards/drilldown.py)."""

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from boards import dashboard, insights
from boards.drilldown import attach_links
from leads.models import Lead, LostReason
from tests.factories import LeadFactory, status
from tests.factories.base import source
from tests.factories.boards import history

DAY = dt.timedelta(days=1)


@pytest.fixture
def lost_data(rep):
    messe = source("Messe")
    budget = LostReason.objects.get(name="Kein Budget")
    LeadFactory(
        status=status("Disqualifiziert"), source=messe, lost_reason=budget, follow_up_by=rep
    )
    LeadFactory(status=status("Disqualifiziert"), source=messe, lost_reason=budget)
    LeadFactory(status=status("Offen"), source=messe)
    return messe, budget


def test_lost_reasons_by_source(lost_data):
    messe, budget = lost_data
    chart = insights.lost_reasons_by(Lead.objects.all(), "source")
    assert chart.value("Kein Budget", "Messe") == 2
    assert chart.rows == [["Messe", 2, 2]]


def test_lost_reasons_by_owner(lost_data, rep):
    chart = insights.lost_reasons_by(Lead.objects.all(), "owner")
    assert sorted(row[-1] for row in chart.rows) == [1, 1]


def test_drilldown_links_count_the_same_leads(client, lost_data, manager):
    chart = insights.lost_reasons_by(Lead.objects.all(), "source")
    attach_links([chart], [])
    url = chart.links[0][0]
    assert urlsplit(url).path == reverse("leads:list")
    client.force_login(manager)
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["page"].total_exact == 2 == chart.rows[0][-1]


def test_time_in_status_median_and_p90(rep):
    now = timezone.now()
    messe = source("Messe")
    for days in (1, 2, 3, 10):
        lead = LeadFactory(status=status("Kontaktiert"), source=messe)
        history(lead, [("Offen", now - 20 * DAY), ("Kontaktiert", now - (20 - days) * DAY)])
    chart = insights.time_in_status_by(Lead.objects.all(), "source", now=now)
    offen = next(row for row in chart.rows if row[1] == "Offen")
    assert offen[:3] == ["Messe", "Offen", 4]
    assert offen[3] == 2.5  # median of 1, 2, 3, 10 days
    assert offen[4] == pytest.approx(7.9, abs=0.05)  # p90, linear as percentile_cont


def test_conversion_by_engagement_band(db):
    LeadFactory(status=status("Konvertiert"), engagement_score=90)
    LeadFactory(status=status("Offen"), engagement_score=95)
    LeadFactory(status=status("Offen"), engagement_score=5)
    chart = dashboard.conversion_by_engagement_band(Lead.objects.all())
    assert chart.rows[-1][1:] == [2, 1, 50.0]
    assert chart.label_params[-1][0][0] == "engagement_min"


def test_bad_lost_reason_parameter_is_no_500(client, manager):
    client.force_login(manager)
    for value in ("x", "99999999999999999999", "none"):
        assert client.get(reverse("leads:list"), {"lost_reason": value}).status_code == 200


def test_dashboard_queries_constant(client, manager, django_assert_max_num_queries, rep):
    client.force_login(manager)
    client.get(reverse("boards:dashboard"), {"owner": rep.pk})
    for _i in range(5):
        LeadFactory(status=status("Disqualifiziert"), follow_up_by=rep)
    with django_assert_max_num_queries(30):
        response = client.get(reverse("boards:dashboard"), {"owner": rep.pk})
    assert response.status_code == 200
