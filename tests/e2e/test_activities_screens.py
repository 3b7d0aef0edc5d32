"""E2E: activity screens and process dialogs render without CSP violations; the HTMX
person search of "Weitere Ansprechpartner hinzufügen" works in a real browser."""

import os

import pytest
from playwright.sync_api import expect

from activities.models import ActivityStatus
from jobs.models import JobState
from leads.models import LeadContact
from leads.services.appointments import lead_sync_appointment
from tests.factories import ActivityFactory, JobFactory, PersonFactory
from tests.factories.activities import lead_with_appointment

SCREENSHOTS = os.environ.get("LEADCRM_SCREENSHOTS", "")


def _shot(page, name: str) -> None:
    if SCREENSHOTS:
        os.makedirs(SCREENSHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SCREENSHOTS, name), full_page=True)


@pytest.mark.e2e
def test_activity_screens_and_contact_search(login_page, rep, teammate):
    lead = lead_with_appointment(appointment_with=teammate, company_name="Bäckerei Sonnenschein")
    lead_sync_appointment(lead=lead, user=rep)
    for kind in ["call", "task", "appointment"]:
        ActivityFactory(delegated_to=rep, delegated_by=rep, **{kind: True})
    ActivityFactory(delegated_to=rep, status=ActivityStatus.DONE, subject="Notiz erledigt")
    PersonFactory(first_name="Bernd", last_name="Brückner")
    job = JobFactory(
        created_by=rep, state=JobState.RUNNING, total=120, done=45, title="Massenänderung Leads"
    )

    page = login_page(rep, "/aktivitaeten/")
    page.wait_for_selector("table")
    _shot(page, "activity_list.png")
    page.select_option("#id_kind", "call")
    page.wait_for_url("**kind=call**")
    expect(page.locator("#activity-results tbody tr")).to_have_count(1)

    page.goto(f"/leads/{lead.pk}/prozesse/ansprechpartner/")
    page.fill("#person-q", "Brück")
    page.wait_for_selector("#person-results input[type=checkbox]")
    page.locator("#person-results input[type=checkbox]").first.check()
    _shot(page, "add_contacts.png")
    page.get_by_role("button", name="Ausgewählte hinzufügen").click()
    page.wait_for_load_state()
    assert LeadContact.objects.filter(lead=lead, is_main=False).count() == 1

    page.goto(f"/leads/{lead.pk}/prozesse/terminbestaetigung/")
    _shot(page, "choose_template.png")
    page.goto(f"/leads/{lead.pk}/prozesse/mitarbeiter/")
    _shot(page, "add_employees.png")
    page.goto(f"/aktivitaeten/{lead.appointment_id}/")
    _shot(page, "activity_detail.png")
    page.goto(f"/aktivitaeten/neu/?lead={lead.pk}")
    _shot(page, "activity_form.png")
    page.goto(f"/benachrichtigungen/auftraege/{job.pk}/")
    bar = page.locator(".js-progress-bar")
    bar.wait_for()
    assert "37 %" in bar.inner_text()  # 45 of 120, rounded down
    assert bar.evaluate("el => el.style.width") == "37%"
    assert page.csp_violations == []
