"""Browser tests of the Verlustgrund (issue #17): the mask shows the fields only for a
lost status, the board asks for the reason in place of the card and moves it with one."""

import pytest
from playwright.sync_api import expect

from leads.models import Lead, LostReason
from tests.factories import LeadFactory, status

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_mask_shows_the_reason_fields_for_a_lost_status(login_page, rep):
    lead = LeadFactory(company_name="Verloren Solar GmbH", follow_up_by=rep)
    page = login_page(rep, path=f"/leads/{lead.pk}/")
    fields = page.locator("[data-lost-fields]")
    expect(fields).to_be_hidden()
    page.select_option("#id_status", label="Geschlossen")
    expect(fields).to_be_visible()
    page.select_option("#id_lost_reason", label="Wettbewerber")
    page.fill("#id_lost_note", "Anderer Anbieter")
    page.locator("#lead-form button[type=submit]").first.click()
    expect(page.locator("[data-testid=lost-summary]")).to_contain_text("Wettbewerber")
    lead.refresh_from_db()
    assert (lead.status.name, lead.lost_reason.name) == ("Geschlossen", "Wettbewerber")


def test_board_asks_for_the_reason_in_place(login_page, rep):
    lead = LeadFactory(company_name="Karte Verloren KG", follow_up_by=rep)
    page = login_page(rep, path="/boards/board/")
    card = page.locator(f"#card-lead-{lead.pk}")
    for answer in ("cancel", "reason"):
        card.locator("summary").click()
        card.locator("select[name=status]").select_option(label="Disqualifiziert")
        card.locator("button:has-text('Verschieben')").click()
        dialog = page.locator("[data-testid=lost-move-dialog]")
        expect(dialog).to_be_visible()
        if answer == "cancel":
            dialog.locator("button:has-text('Abbrechen')").click()
            expect(page.locator("#messages")).to_contain_text("nicht verschoben")
            expect(card.locator("summary")).to_be_visible()  # the card is back
            assert Lead.objects.get(pk=lead.pk).status == status("Offen")
        else:
            dialog.locator("select[name=lost_reason]").select_option(label="Kein Bedarf")
            dialog.locator("button:has-text('Verschieben')").click()
            expect(page.locator("#messages")).to_contain_text("ist jetzt")
    lead.refresh_from_db()
    assert (lead.status.name, lead.lost_reason) == (
        "Disqualifiziert",
        LostReason.objects.get(name="Kein Bedarf"),
    )
