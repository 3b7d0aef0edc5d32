"""E2E: tick two rows of the lead list and assign them (bulk bar, static/js/lead-bulk.js)."""

import os

import pytest
from playwright.sync_api import expect

from leads.models import Lead
from tests import factories as f

SCREENSHOTS = os.environ.get("LEADCRM_SCREENSHOTS", "")


@pytest.mark.e2e
def test_tick_two_rows_and_assign(login_page, rep):
    leads = [f.LeadFactory(follow_up_by=None, company_name=f"Solar {i} GmbH") for i in range(3)]
    page = login_page(rep, "/leads/")
    count = page.locator("#lead-bulk-count")
    expect(page.get_by_test_id("bulk-assign")).to_be_disabled()
    page.get_by_label(f"Lead {leads[0].number} auswählen").check()
    page.get_by_label(f"Lead {leads[1].number} auswählen").check()
    expect(count).to_have_text("2 Leads ausgewählt")
    expect(count).to_have_attribute("aria-live", "polite")
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, "bulk-list.png"), full_page=True)
    page.get_by_test_id("bulk-assign").click()
    page.get_by_label("Nachbetreuung durch").select_option(str(rep.pk))
    page.get_by_test_id("lead-bulk-submit").click()
    expect(page.get_by_test_id("bulk-summary")).to_contain_text("Aktualisiert: 2")
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, "bulk-summary.png"), full_page=True)
    assert set(Lead.objects.filter(follow_up_by=rep).values_list("pk", flat=True)) == {
        leads[0].pk,
        leads[1].pk,
    }
