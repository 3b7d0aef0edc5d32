"""The SLA state rule (Python twin = SQL twin), the list filter, the mask badge, the
dashboard tiles and their links, permissions and bad input."""

import datetime as dt
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from leads.models import Lead
from leads.response_sla import SlaState, state_of, state_q
from sla.selectors import hours_minutes, response_figures
from tests.factories import CampaignFactory, source
from tests.sla.conftest import make_lead

pytestmark = pytest.mark.django_db

H = dt.timedelta(hours=1)


def _cases(now):
    due_past, due_ahead = now - H, now + H
    return {
        "no_policy": ({}, None),
        "open": ({"response_due_at": due_ahead}, SlaState.OPEN),
        "overdue": ({"response_due_at": due_past}, SlaState.BREACHED),
        "answered_in_time": (
            {"response_due_at": due_past, "first_response_at": due_past - H},
            SlaState.KEPT,
        ),
        "answered_on_the_minute": (
            {"response_due_at": due_past, "first_response_at": due_past},
            SlaState.KEPT,
        ),
        "answered_late": (
            {"response_due_at": due_past - H, "first_response_at": due_past},
            SlaState.BREACHED,
        ),
        "answered_early_open_due": (
            {"response_due_at": due_ahead, "first_response_at": now},
            SlaState.KEPT,
        ),
        "closed_in_time": ({"response_due_at": due_past, "closed_at": due_past - H}, SlaState.KEPT),
        "closed_late": (
            {"response_due_at": due_past - H, "closed_at": due_past},
            SlaState.BREACHED,
        ),
    }


def test_state_rule_python_and_sql_agree():
    now = timezone.now()
    leads = {}
    for name, (columns, expected) in _cases(now).items():
        leads[name] = (make_lead(**columns), expected)
    for name, (lead, expected) in leads.items():
        assert state_of(lead, now) == expected, name
        for state in SlaState:
            in_sql = Lead.objects.filter(state_q(state, now), pk=lead.pk).exists()
            assert in_sql == (expected == state), (name, state)


def _list_numbers(client, query) -> set[str]:
    response = client.get(reverse("leads:list"), query)
    assert response.status_code == 200
    return {n for n in Lead.objects.values_list("number", flat=True) if n in response.text}


def test_list_filter(manager_client):
    now = timezone.now()
    breached = make_lead(response_due_at=now - H)
    running = make_lead(response_due_at=now + H)
    kept = make_lead(response_due_at=now - H, first_response_at=now - 2 * H)
    make_lead()
    assert _list_numbers(manager_client, {"sla": "verletzt"}) == {breached.number}
    assert _list_numbers(manager_client, {"sla": "offen"}) == {running.number}
    assert _list_numbers(manager_client, {"sla": "eingehalten"}) == {kept.number}


@pytest.mark.parametrize("value", ["kaputt", "x" * 5000, "verletzt\x00", "<script>"])
def test_list_filter_bad_values_no_500(manager_client, value):
    make_lead(response_due_at=timezone.now() - H)
    response = manager_client.get(reverse("leads:list"), {"sla": value})
    assert response.status_code in (200, 400)


def test_list_filter_respects_visibility(rep_client, teammate):
    """A rep filtering by SLA still sees only the leads the list would show them."""
    mine_or_not = make_lead(follow_up_by=teammate, response_due_at=timezone.now() - H)
    response = rep_client.get(reverse("leads:list"), {"sla": "verletzt"})
    assert response.status_code == 200
    from leads.permissions import visible_leads  # noqa: PLC0415 - test-only lookup

    rep_sees = visible_leads(response.wsgi_request.user).filter(pk=mine_or_not.pk).exists()
    assert (mine_or_not.number in response.text) == rep_sees


def test_mask_badge(manager_client):
    now = timezone.now()
    breached = make_lead(response_due_at=now - H)
    running = make_lead(response_due_at=now + H)
    without = make_lead()
    page = manager_client.get(breached.get_absolute_url()).text
    assert 'id="sla-badge"' in page and "SLA verletzt" in page
    page = manager_client.get(running.get_absolute_url()).text
    assert "SLA offen" in page
    assert 'id="sla-badge"' not in manager_client.get(without.get_absolute_url()).text


def test_median_and_breached_count():
    now = timezone.now()
    for minutes in (30, 90, 150):  # median 1:30
        lead = make_lead(created_ago=dt.timedelta(hours=5))
        Lead.objects.filter(pk=lead.pk).update(
            first_response_at=lead.created_at + dt.timedelta(minutes=minutes),
            response_due_at=lead.created_at + dt.timedelta(minutes=120),
        )
    make_lead(response_due_at=now - H)  # unanswered: no effect on the median
    figures = response_figures(Lead.objects.all(), now=now)
    assert figures["median"] == dt.timedelta(minutes=90)
    assert figures["answered"] == 3
    assert figures["breached"] == 2  # the late answer and the unanswered one
    assert hours_minutes(figures["median"]) == "1:30"
    assert hours_minutes(dt.timedelta(hours=62, minutes=5)) == "62:05"
    assert hours_minutes(None) == "–"


def test_figures_are_one_query(django_assert_max_num_queries):
    for _ in range(3):
        make_lead(response_due_at=timezone.now() - H)
    with django_assert_max_num_queries(1):
        response_figures(Lead.objects.all())


def test_dashboard_tiles_and_links(manager_client, rep):
    campaign = CampaignFactory()
    now = timezone.now()
    lead = make_lead(
        follow_up_by=rep, campaign=campaign, source=source("Webseite"), response_due_at=now - H
    )
    make_lead(response_due_at=now - H)  # other owner: not counted with the filter
    query = {"owner": rep.pk, "campaign": campaign.pk, "period": "30"}
    response = manager_client.get(reverse("boards:dashboard"), query)
    assert response.status_code == 200
    tiles = {t.key: t for t in response.context["sla_tiles"]}
    assert tiles["sla_breached"].value == "1"
    link = tiles["sla_breached"].url
    assert f'href="{link.replace("&", "&amp;")}"' in response.text
    params = dict(parse_qsl(urlsplit(link).query))
    assert params["sla"] == "verletzt"
    assert params["follow_up_by"] == str(rep.pk)
    assert params["campaign"] == str(campaign.pk)
    assert "created_from" in params
    # the list behind the tile shows exactly the counted lead
    listed = manager_client.get(link)
    assert lead.number in listed.text
    assert listed.context["page"].total_display in (1, "1")
    median_params = dict(parse_qsl(urlsplit(tiles["sla_median"].url).query))
    assert "sla" not in median_params and median_params["follow_up_by"] == str(rep.pk)


def test_dashboard_without_filters_and_bad_filters(manager_client):
    make_lead(response_due_at=timezone.now() - H)
    response = manager_client.get(reverse("boards:dashboard"))
    assert response.status_code == 200
    assert 'id="tile-sla_breached"' in response.text
    assert "Median Erstreaktion" in response.text
    for bad in ({"owner": "x"}, {"campaign": "99999999999999999999"}, {"period": "abc"}):
        assert manager_client.get(reverse("boards:dashboard"), bad).status_code == 200


def test_dashboard_refused_to_outsider(outsider_client):
    response = outsider_client.get(reverse("boards:dashboard"))
    assert response.status_code in (302, 403)


@pytest.mark.parametrize(
    "url",
    [
        "admin:sla_slapolicy_changelist",
        "admin:sla_slapolicy_add",
        "admin:sla_workinghours_changelist",
        "admin:sla_workinghours_add",
    ],
)
def test_admin_pages(admin_client_staff, rep_client, url, web_policy):
    assert admin_client_staff.get(reverse(url)).status_code == 200
    assert rep_client.get(reverse(url)).status_code == 302  # staff only


def test_admin_rejects_hours_without_days(admin_client_staff):
    response = admin_client_staff.post(
        reverse("admin:sla_workinghours_add"),
        {"name": "Nie", "start": "09:00", "end": "08:00", "state": ""},
    )
    assert response.status_code == 200
    assert "muss nach" in response.text
