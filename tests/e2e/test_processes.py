"""E2E: a rep plans an appointment for a colleague on the lead mask, sends the appointment
confirmation through the mail dialog, and the colleague sees the notification in the bell."""

import os

import pytest
from django.core import mail

from activities.models import Activity, ActivityKind, ActivityStatus, MailState
from tests.factories import LeadContactFactory, LeadFactory, PersonFactory

SCREENSHOTS = os.environ.get("LEADCRM_SCREENSHOTS", "")


def _shot(page, name: str) -> None:
    if SCREENSHOTS:
        os.makedirs(SCREENSHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SCREENSHOTS, name), full_page=False)


@pytest.mark.e2e
def test_rep_confirms_appointment_and_colleague_sees_bell(login_page, rep, teammate):
    rep.signature = "Anna Vogt\nVertrieb Süd · Solartechnik GmbH"
    rep.save()
    lead = LeadFactory(
        company_name="Stadtwerke Musterstadt",
        email="einkauf@stadtwerke-muster.de",
        follow_up_by=rep,
        notes="Interesse an PV auf dem Betriebshof",
    )
    contact = PersonFactory(
        salutation="Frau", first_name="Maria", last_name="Schulz", email="m.schulz@stadtwerke.de"
    )
    LeadContactFactory(lead=lead, person=contact, is_main=True)

    page = login_page(rep, f"/leads/{lead.pk}/")
    page.fill("#id_planned_start", "03.12.2026 10:00")
    page.fill("#id_planned_end", "03.12.2026 11:30")
    page.select_option("#id_appointment_with", str(teammate.pk))
    page.locator("#lead-form button[type=submit]").first.click()
    page.wait_for_load_state()

    appointment = Activity.objects.get(kind=ActivityKind.APPOINTMENT)
    assert appointment.delegated_to == teammate

    page.get_by_role("button", name="Aktionsbox").click()
    page.get_by_role("link", name="Terminbestätigung versenden").click()
    page.get_by_label("Meeting").check()
    page.get_by_role("button", name="Weiter zum Maildialog").click()
    page.wait_for_selector(".mail-dialog")
    body = page.input_value("#id_body")
    assert "Sehr geehrte Frau Schulz" in body and "Vertrieb Süd" in body
    _shot(page, "mail_dialog.png")
    page.fill("#id_body", body + "\n\nPS: Parkplätze finden Sie direkt vor dem Eingang.")
    page.get_by_role("button", name="Senden").click()
    page.wait_for_load_state()
    assert f"/leads/{lead.pk}/" in page.url
    assert page.locator("#messages").inner_text().find("wird versendet") >= 0

    mail_activity = Activity.objects.get(kind=ActivityKind.EMAIL_OUT)
    assert mail_activity.status == ActivityStatus.DONE
    assert mail_activity.mail_state == MailState.SENT
    (message,) = mail.outbox
    assert message.to == ["m.schulz@stadtwerke.de"] and "PS: Parkplätze" in message.body
    assert page.content().count(mail_activity.subject) >= 1  # sub-area shows the mail
    assert page.csp_violations == []

    colleague = login_page(teammate, "/")
    count = colleague.locator("[data-testid=bell-count]")
    count.wait_for()
    assert count.inner_text() == "1"
    colleague.locator("#bell [data-bs-toggle=dropdown]").click()
    menu = colleague.locator("#bell .dropdown-menu")
    menu.wait_for(state="visible")
    assert "Neuer Termin" in menu.inner_text()
    _shot(colleague, "bell_dropdown.png")
    colleague.locator("#bell .dropdown-menu a", has_text="Neuer Termin").click()
    colleague.wait_for_url(f"**/aktivitaeten/{appointment.pk}/")
    assert colleague.csp_violations == []
