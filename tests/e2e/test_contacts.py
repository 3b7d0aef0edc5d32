"""Browser walk-through of the contacts screens (issue 3).

A rep opens a company, adds the Lead-Status column in the persons tab, changes one person's
status on the person card, finds persons with "Lead-Status ist einer von Qualifiziert", saves
a dynamic selection and reopens it with the changed result.

Set CONTACTS_SCREENSHOTS=<dir> to also save screenshots of the company card, person card
and find screen.
"""

import os
from pathlib import Path

import pytest

from contacts.models import Person
from tests.factories import CompanyFactory, PersonFactory, category, status

pytestmark = pytest.mark.e2e


def _shot(page, name: str) -> None:
    target = os.environ.get("CONTACTS_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(target) / f"{name}.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_rep_updates_lead_status_finds_and_saves_dynamic_selection(login_page, rep):
    company = CompanyFactory(
        name="Sonnenkraft GmbH", category=category("Lead"), owner=rep, city="Freiburg"
    )
    adler = PersonFactory(
        company=company,
        first_name="Anna",
        last_name="Adler",
        function="Geschäftsführerin",
        lead_status=status("Offen"),
        owner=rep,
        mobile="",
        phone="+49 761 123456",
    )
    berger = PersonFactory(
        company=company,
        first_name="Bernd",
        last_name="Berger",
        function="Einkaufsleitung",
        lead_status=status("Kontaktaufnahme"),
        owner=rep,
        mobile="",
        phone="",
    )
    PersonFactory(
        company=company,
        first_name="Clara",
        last_name="Conrad",
        function="Technische Leitung",
        lead_status=status("Offen"),
        mobile="",
        phone="",
    )

    page = login_page(rep, path=f"/kontakte/firmen/{company.pk}/")
    table = page.get_by_test_id("person-table")
    assert "Adler" in table.inner_text()
    assert "Lead-Status" not in table.locator("thead").inner_text()

    # gear icon → add the Lead-Status column
    page.get_by_test_id("column-chooser-company_persons").click()
    page.get_by_role("checkbox", name="Lead-Status", exact=True).check()
    page.get_by_role("checkbox", name="Kategoriengruppe").check()
    page.get_by_role("button", name="Übernehmen").click()
    page.wait_for_load_state()
    table = page.get_by_test_id("person-table")
    assert "Lead-Status" in table.locator("thead").inner_text()
    assert "Kontaktaufnahme" in table.inner_text()
    _shot(page, "company_card")

    # person card: change the status with the pencil
    table.get_by_role("link", name="Anna Adler").click()
    page.wait_for_load_state()
    status_cell = page.get_by_test_id("person-lead-status")
    assert "Offen" in status_cell.inner_text()
    status_cell.locator(".lc-status").hover()
    assert page.locator(".tooltip").first.is_visible()
    _shot(page, "person_card")
    page.get_by_test_id("person-edit").click()
    page.wait_for_load_state()
    page.get_by_label("Lead-Status").select_option(label="Qualifiziert")
    _shot(page, "person_edit")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_load_state()
    assert "Qualifiziert" in page.get_by_test_id("person-lead-status").inner_text()
    adler.refresh_from_db()
    assert adler.lead_status.name == "Qualifiziert"

    # Find: Person › Lead-Status ist einer von Qualifiziert
    page.goto("/kontakte/suchen/")
    page.locator("#c0_field").select_option("person.lead_status")
    page.locator("#c0_val").wait_for()
    page.locator("#c0_op").select_option(label="ist einer von")
    page.locator("#c0_val").get_by_label("Qualifiziert", exact=True).check()
    page.get_by_test_id("find-submit").click()
    page.get_by_test_id("save-selection-toggle").wait_for()
    results = page.get_by_test_id("person-table")
    assert "Anna Adler" in results.inner_text()
    assert "Bernd Berger" not in results.inner_text()
    assert "c0_field=person.lead_status" in page.url  # criteria in the querystring
    _shot(page, "find")

    # save as a dynamic selection
    page.get_by_test_id("save-selection-toggle").click()
    page.locator("#selection-name").fill("Qualifizierte Interessenten")
    page.get_by_test_id("save-selection-form").get_by_role("button", name="Speichern").click()
    page.wait_for_load_state()
    assert "Qualifizierte Interessenten" in page.locator("h1").inner_text()
    assert "Bernd Berger" not in page.get_by_test_id("person-table").inner_text()
    selection_url = page.url

    # the result changes; reopening the dynamic selection shows it
    Person.objects.filter(pk=berger.pk).update(lead_status=status("Qualifiziert"))
    page.goto("/boards/selektionen/")
    page.get_by_role("link", name="Qualifizierte Interessenten").click()
    page.wait_for_load_state()
    assert page.url == selection_url
    members = page.get_by_test_id("person-table").inner_text()
    assert "Anna Adler" in members and "Bernd Berger" in members
    _shot(page, "selection")
    assert page.csp_violations == []


@pytest.mark.django_db(transaction=True)
def test_rep_bulk_updates_find_results_and_sees_summary(login_page, rep):
    prospect = CompanyFactory(name="Windpark Nord AG", category=category("Verkaufschance"))
    customer = CompanyFactory(name="Altkunde KG", category=category("Kunde"))
    PersonFactory(company=prospect, last_name="Nord", lead_status=status("Offen"), mobile="")
    PersonFactory(company=customer, last_name="Alt", lead_status=status("Offen"), mobile="")

    page = login_page(rep, path="/kontakte/suchen/?target=person&run=1")
    page.get_by_role("link", name="In großer Menge aktualisieren").click()
    page.wait_for_load_state()
    page.get_by_label("Aktion").select_option("lead_status")
    page.get_by_label("Lead-Status").select_option(label="Disqualifiziert")
    _shot(page, "bulk_form")
    page.get_by_role("button", name="Ausführen").click()
    summary = page.get_by_test_id("bulk-summary")
    summary.wait_for()
    assert "Aktualisiert: 1, übersprungen: 1" in summary.inner_text()
    assert "Lead-Status gilt nicht für die Firmenkategorie: 1" in summary.inner_text()
    _shot(page, "bulk_summary")
    assert Person.objects.get(last_name="Nord").lead_status.name == "Disqualifiziert"
    assert Person.objects.get(last_name="Alt").lead_status.name == "Offen"
    page.goto("/kontakte/firmen/")
    assert "Windpark Nord AG" in page.get_by_test_id("company-table").inner_text()
    _shot(page, "company_list")
    page.goto("/kontakte/personen/")
    assert "Nord" in page.get_by_test_id("person-table").inner_text()
    _shot(page, "person_list")
    assert page.csp_violations == []
