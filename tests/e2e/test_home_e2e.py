"""E2E: the start page "Mein Tag" in a real browser, on a desktop and a phone viewport."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories as f

pytestmark = pytest.mark.e2e


@pytest.fixture
def rep_day(rep, teammate):
    today = timezone.localdate()
    late = f.LeadFactory(
        follow_up_by=rep,
        follow_up_until=today - dt.timedelta(days=4),
        company_name="Sonnenhof Energie GmbH mit einem sehr langen Firmennamen für das Handy",
        score=88,
    )
    f.LeadFactory(follow_up_by=teammate, follow_up_until=today - dt.timedelta(days=4))
    start = timezone.now() + dt.timedelta(hours=2)
    f.ActivityFactory(
        appointment=True,
        delegated_to=rep,
        start=start,
        end=start + dt.timedelta(hours=1),
        subject="Vor-Ort-Termin Dachbegehung",
    )
    f.NotificationFactory(recipient=rep)
    return late


def test_my_day_and_link_to_overdue_list(login_page, rep, rep_day):
    page = login_page(rep)
    expect(page.get_by_role("heading", name="Mein Tag")).to_be_visible()
    overdue = page.get_by_test_id("home-overdue")
    expect(overdue).to_contain_text("Sonnenhof Energie GmbH")
    expect(page.get_by_test_id("home-appointments")).to_contain_text("Vor-Ort-Termin")
    expect(page.get_by_test_id("home-top-leads")).to_contain_text("88")
    expect(page.get_by_test_id("home-unread")).to_contain_text("1")
    overdue.get_by_role("link", name="alle anzeigen").click()
    page.wait_for_load_state()
    assert "overdue=on" in page.url
    expect(page.locator("body")).to_contain_text(rep_day.number)
    assert page.csp_violations == []


def test_my_day_fits_a_phone(login_page, rep, rep_day):
    page = login_page(rep, path="")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    expect(page.get_by_test_id("home-overdue")).to_be_visible()
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert page.csp_violations == []
