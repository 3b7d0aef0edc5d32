"""E2E: a visitor fills the public web form (with UTM parameters), the lead lands with the
rep the assignment rule picks, and the rep converts it into a new company, person and an
Angebot through the wizard. Also screenshots the import mapping."""

import csv
import io
import os

import pytest

from contacts.models import Company, Person, Phase
from leads.models import AssignmentMember, AssignmentRule, Lead
from opportunities.models import Opportunity
from tests.factories import CampaignFactory

SCREENSHOTS = os.environ.get("LEADCRM_SCREENSHOTS", "")


def _shot(page, name: str) -> None:
    if SCREENSHOTS:
        os.makedirs(SCREENSHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SCREENSHOTS, name), full_page=True)


@pytest.mark.e2e
def test_web_lead_is_converted_by_assigned_rep(anonymous_page, login_page, rep, teammate):
    campaign = CampaignFactory(
        name="Photovoltaik-Check 2026",
        slug="pv-check",
        description="Kostenloser Check: Lohnt sich Photovoltaik auf Ihrem Firmendach?",
        web_form_enabled=True,
        consent_text="Ich möchte Informationen zu Photovoltaik und Speichern per E-Mail erhalten.",
        consent_version="2026-1",
    )
    rule = AssignmentRule.objects.create(name="Webformular PV", rank=1)
    rule.campaigns.add(campaign)
    AssignmentMember.objects.create(rule=rule, user=rep)

    page = anonymous_page(
        "/leads/formular/pv-check/?utm_source=newsletter&utm_medium=email"
        "&utm_campaign=fruehjahr2026&utm_term=pv+gewerbe&utm_content=banner"
    )
    page.select_option("#id_salutation", "Frau")
    page.fill("#id_first_name", "Julia")
    page.fill("#id_last_name", "Schneider")
    page.fill("#id_company_name", "Sonnenhof Energie GmbH")
    page.fill("#id_email", "julia.schneider@sonnenhof-energie.de")
    page.fill("#id_phone", "089 1234567")
    page.fill("#id_postal_code", "80331")
    page.fill("#id_city", "München")
    page.get_by_label("Photovoltaik", exact=True).check()
    page.fill("#id_message", "Bitte um Rückruf wegen PV auf zwei Hallendächern.")
    _shot(page, "capture_web_form.png")
    page.wait_for_timeout(3200)  # the minimum fill time of the spam defence
    page.get_by_role("button", name="Anfrage senden").click()
    page.wait_for_load_state()
    assert "Vielen Dank" in page.content()
    assert page.csp_violations == []

    lead = Lead.objects.get()
    assert lead.follow_up_by == rep
    assert (lead.utm_source, lead.utm_medium, lead.utm_campaign) == (
        "newsletter",
        "email",
        "fruehjahr2026",
    )
    assert lead.utm_term == "pv gewerbe" and lead.utm_content == "banner"
    assert "/leads/formular/pv-check/" in lead.landing_page

    rep_page = login_page(rep, "/leads/")
    assert "Sonnenhof Energie GmbH" in rep_page.content()
    rep_page.locator(f'#main a[href="/leads/{lead.pk}/"]').first.click()
    rep_page.wait_for_load_state()
    rep_page.get_by_role("button", name="Aktionsbox").click()
    rep_page.get_by_role("link", name="Ansprechpartner anlegen (Konvertierung)").click()
    rep_page.wait_for_load_state()
    assert rep_page.input_value("#company_name") == "Sonnenhof Energie GmbH"
    _shot(rep_page, "conversion_step1.png")
    rep_page.get_by_role("button", name="Weiter").click()
    rep_page.wait_for_selector("#person_last_name")
    assert rep_page.input_value("#person_last_name") == "Schneider"
    _shot(rep_page, "conversion_step2.png")
    rep_page.get_by_role("button", name="Weiter").click()
    rep_page.wait_for_selector("#opportunity_title")
    rep_page.get_by_label("Angebot", exact=True).check()
    rep_page.fill("#opportunity_title", "PV-Anlage 2 × 250 kWp")
    rep_page.fill("#opportunity_amount", "185000")
    _shot(rep_page, "conversion_step3.png")
    rep_page.get_by_role("button", name="Konvertieren").click()
    rep_page.wait_for_url(f"**/leads/{lead.pk}/")
    assert "Lead konvertiert" in rep_page.locator("#messages").inner_text()
    assert rep_page.csp_violations == []

    lead.refresh_from_db()
    assert lead.status.phase == Phase.CONVERTED
    company = Company.objects.get()
    person = Person.objects.get()
    offer = Opportunity.objects.get()
    assert company.name == "Sonnenhof Energie GmbH" and lead.customer == company
    assert (person.last_name, person.company) == ("Schneider", company)
    assert (offer.kind, offer.company, offer.person, offer.lead) == ("offer", company, person, lead)

    rep_page.goto(f"/leads/{lead.pk}/datenschutz/")
    assert "Einwilligungsprotokoll" in rep_page.content()
    _shot(rep_page, "gdpr_page.png")
    assert rep_page.csp_violations == []


@pytest.mark.e2e
def test_import_mapping_screen(login_page, marketing, tmp_path):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["Firma", "Vorname", "Nachname", "E-Mail", "Telefon", "Ort", "Bemerkung"])
    writer.writerow(
        [
            "Müller Energie GmbH",
            "Jürgen",
            "Müller",
            "j.mueller@mueller-energie.de",
            "089 1234567",
            "München",
            "Messe E-world, Stand 3-120",
        ]
    )
    writer.writerow(
        [
            "Bäckerei Schäfer e.K.",
            "Anna",
            "Schäfer",
            "anna@schaefer-back.de",
            "030 7654321",
            "Berlin",
            "will Speicher",
        ]
    )
    writer.writerow(["Weiß AG", "Max", "Weiß", "max@weiss-ag.de", "", "Köln", ""])
    path = str(tmp_path / "messe-liste.csv")
    with open(path, "w", encoding="cp1252", newline="") as handle:
        handle.write(out.getvalue())
    page = login_page(marketing, "/leads/import/")
    page.set_input_files("#id_file", path)
    page.get_by_role("button", name="Hochladen und Spalten zuordnen").click()
    page.wait_for_selector("#import-preview")
    assert "Müller Energie GmbH" in page.content()
    _shot(page, "import_mapping.png")
    assert page.csp_violations == []
    page.get_by_role("button", name="Import starten").click()
    page.wait_for_selector(".job-progress")
    page.wait_for_selector(".job-progress .badge.text-bg-success", timeout=20_000)
    _shot(page, "import_done.png")
    assert Lead.objects.count() == 3


@pytest.mark.e2e
def test_mask_warns_about_duplicates_before_saving(login_page, rep):
    from tests.factories import LeadFactory

    existing = LeadFactory(company_name="Müller Energie GmbH & Co. KG", email="info@mueller.de")
    page = login_page(rep, "/leads/neu/")
    page.fill("#id_company_name", "Mueller Energie")
    page.locator("#id_company_name").blur()
    page.wait_for_selector("#duplicate-warning .alert")
    warning = page.locator("#duplicate-warning").inner_text()
    assert existing.number in warning and "Unternehmen" in warning
    _shot(page, "mask_duplicate_warning.png")
    assert page.csp_violations == []
