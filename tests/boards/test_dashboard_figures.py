"""Every tile and chart of the dashboard on the hand-built data set (tests/factories_boards.py)."""

import datetime as dt

import pytest
from django.utils import timezone

from boards import dashboard
from leads.models import Lead
from tests.factories.boards import known_dataset


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def data(rep, now):
    return known_dataset(owner=rep, now=now)


@pytest.fixture
def leads(data):
    return Lead.objects.all()


def test_tiles(leads, now, settings):
    settings.LEADCRM = {**settings.LEADCRM, "HIGH_SCORE_THRESHOLD": 50, "NEW_LEAD_DAYS": 7}
    counts = dashboard.tile_counts(leads, now=now)
    assert counts == {
        "overdue": 1,  # L1; L5 has a past date but is disqualified
        "high_score": 1,  # L3 (60); L4-L6 score higher but are closed
        "unassigned": 1,  # L3
        "stale": 1,  # L2; L5 is stale but closed
        "new": 3,  # L4-L6; L1-L3 were created 30 days ago
    }


def test_tile_threshold_is_configurable(leads, now, settings):
    settings.LEADCRM = {**settings.LEADCRM, "MID_SCORE_THRESHOLD": 10, "HIGH_SCORE_THRESHOLD": 25}
    assert dashboard.tile_counts(leads, now=now)["high_score"] == 2  # L2 (30), L3 (60)


def test_status_by_source(leads):
    chart = dashboard.leads_by_status_and_source(leads)
    assert chart.labels == [
        "Offen",
        "Kontaktiert",
        "Qualifiziert",
        "Disqualifiziert",
        "Konvertiert",
    ]
    assert [s["label"] for s in chart.series] == ["Messe", "Webseite", "Ohne Quelle"]
    assert chart.value("Messe", "Offen") == 1
    assert chart.value("Messe", "Konvertiert") == 1
    assert chart.value("Webseite", "Konvertiert") == 1
    assert chart.value("Ohne Quelle", "Disqualifiziert") == 1
    assert chart.value("Webseite", "Offen") == 0
    assert chart.rows[-1] == ["Konvertiert", 1, 1, 0, 2]


def test_share_by_source(leads):
    chart = dashboard.share_by_source(leads)
    assert chart.rows == [["Messe", 3, 50.0], ["Webseite", 2, 33.3], ["Ohne Quelle", 1, 16.7]]


def test_share_by_source_from_the_status_source_chart(leads, django_assert_num_queries):
    status_source = dashboard.leads_by_status_and_source(leads)
    with django_assert_num_queries(0):
        derived = dashboard.share_by_source(leads, status_source=status_source)
    queried = dashboard.share_by_source(leads)
    assert (derived.labels, derived.series, derived.rows) == (
        queried.labels,
        queried.series,
        queried.rows,
    )


def test_all_charts_one_query_each_but_the_shared_one(leads, django_assert_num_queries):
    with django_assert_num_queries(len(dashboard.CHARTS) - 1):
        charts = dashboard.all_charts(leads)
    assert [c.key for c in charts][:2] == ["status_source", "source_share"]


def test_share_by_type(leads):
    chart = dashboard.share_by_type(leads)
    assert chart.rows == [["MQL", 2, 33.3], ["SQL", 2, 33.3], ["Ohne Typ", 2, 33.3]]


def test_closed_last_six_months(leads, now):
    today = timezone.localdate(now)
    chart = dashboard.closed_per_month(leads, today=today)
    assert len(chart.labels) == 6
    # L4 this month (converted), L5 two months ago (disqualified), L6 seven months ago: out
    assert chart.value("Gesamt", chart.labels[-1]) == 1
    assert chart.value("Konvertiert", chart.labels[-1]) == 1
    assert chart.value("Disqualifiziert", chart.labels[-3]) == 1
    total = next(s for s in chart.series if s["label"] == "Gesamt")["data"]
    assert total == [0, 0, 0, 1, 0, 1]


def test_sales_funnel(leads):
    chart = dashboard.sales_funnel(leads)
    assert chart.labels == ["Offen", "Kontaktiert", "Qualifiziert", "Konvertiert"]
    # contacted: L2, L3, L5 (history), L4 and L6 skipped the step but got further
    assert chart.series[0]["data"] == [6, 5, 3, 2]
    assert [row[2] for row in chart.rows] == [None, 83.3, 60.0, 66.7]
    assert chart.rows[-1][3] == 33.3


def test_average_time_in_status(leads, now):
    chart = dashboard.average_time_in_status(leads, now=now)
    assert chart.labels == ["Offen", "Kontaktiert", "Qualifiziert"]  # terminal ones left out
    # Offen: 10 (L1, still open) + 2 + 1 + 3 + 1 + 1 = 18 / 6 stays
    # Kontaktiert: 8 (L2, ongoing) + 3 + 1 = 12 / 3;  Qualifiziert: 6 (L3, ongoing) + 2 = 8 / 2
    assert chart.series[0]["data"] == [3.0, 4.0, 4.0]
    assert [row[2] for row in chart.rows] == [6, 3, 2]


def test_conversion_by_source(leads):
    chart = dashboard.conversion_by_source(leads)
    assert chart.rows == [
        ["Messe", 3, 1, 33.3],
        ["Webseite", 2, 1, 50.0],
        ["Ohne Quelle", 1, 0, 0.0],
    ]


def test_conversion_by_score_band(leads):
    """The chart uses the one band definition (leads/score_bands.py, defaults 40 / 70)."""
    chart = dashboard.conversion_by_score_band(leads)
    assert chart.labels == ["0–39", "40–69", "70–100"]
    assert chart.rows == [
        ["0–39", 2, 0, 0.0],
        ["40–69", 1, 0, 0.0],
        ["70–100", 3, 2, 66.7],
    ]


def test_score_band_chart_follows_the_settings(leads, settings):
    settings.LEADCRM = {**settings.LEADCRM, "MID_SCORE_THRESHOLD": 25, "HIGH_SCORE_THRESHOLD": 85}
    chart = dashboard.conversion_by_score_band(leads)
    assert [row[:2] for row in chart.rows] == [["0–24", 1], ["25–84", 4], ["85–100", 1]]


def test_empty_data_does_not_break(db):
    leads = Lead.objects.all()
    for build in dashboard.CHARTS:
        chart = build(leads)
        assert chart.key
    assert dashboard.sales_funnel(leads).series[0]["data"] == [0, 0, 0, 0]


def test_each_chart_is_one_query(leads, django_assert_num_queries):
    for build in dashboard.CHARTS:
        with django_assert_num_queries(1):
            build(leads)
    with django_assert_num_queries(1):
        dashboard.tile_counts(leads)


def test_month_labels_end_with_current_month():
    starts = dashboard._month_starts(dt.date(2026, 2, 15), 6)
    assert starts[0] == dt.date(2025, 9, 1)
    assert starts[-1] == dt.date(2026, 2, 1)
