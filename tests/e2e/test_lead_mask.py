"""Browser walk-through of the lead mask and list (issue 4).

A rep creates a lead with ratings and interests, watches the live score, uploads a business
card, saves, finds the lead in the list by company name, reloads the URL and sees the same
filtered list. A manager in a second browser context edits the same lead from a stale form
and gets the conflict message with their input kept.

Set LEADS_SCREENSHOTS=<dir> to also save screenshots.
"""

import io
import os
import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from leads.models import Lead, ScoringCriterion
from tests.factories import interest, source

pytestmark = pytest.mark.e2e


def _shot(page, name: str) -> None:
    target = os.environ.get("LEADS_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(target) / f"{name}.png"), full_page=True)


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 180), (240, 240, 235)).save(out, "PNG")
    return out.getvalue() + b"<script>alert(1)</script>"


@pytest.mark.django_db(transaction=True)
def test_rep_creates_finds_and_conflicts(login_page, rep, manager):
    influence = ScoringCriterion.objects.get(name="Einfluss")
    decision_maker = influence.options.get(points=100)
    windkraft = interest("Windkraft")
    referral = source("Empfehlung")

    page = login_page(rep, path="/leads/neu/")
    page.fill("#id_company_name", "Nordlicht Energie GmbH")
    page.select_option("#id_salutation", "Frau")
    page.fill("#id_first_name", "Greta")
    page.fill("#id_last_name", "Hansen")
    page.fill("#id_email", "greta.hansen@nordlicht-energie.de")
    page.fill("#id_city", "Flensburg")
    page.select_option(f"#id_rating_{influence.pk}", str(decision_maker.pk))
    expect(page.locator("#score-value")).to_have_text("21")
    page.select_option("#id_source", str(referral.pk))
    # (100×3 + 100×1) / 14 = 28.6 → 29
    expect(page.locator("#score-value")).to_have_text("29")
    assert "Entscheidungsträger" in page.locator("#score-preview").inner_text()
    page.check(f"input[name=interests][value='{windkraft.pk}']")
    page.set_input_files(
        "#id_business_card",
        files=[{"name": "visitenkarte.png", "mimeType": "image/png", "buffer": _png()}],
    )
    _shot(page, "01-create")
    page.locator(".lc-mask-head button[type=submit]").click()
    page.wait_for_url(re.compile(r"/leads/\d+/$"))
    assert "wurde angelegt" in page.locator("#messages").inner_text()

    lead = Lead.objects.get(company_name="Nordlicht Energie GmbH")
    assert lead.score == 29
    assert list(lead.interests.values_list("name", flat=True)) == ["Windkraft"]
    assert lead.business_card
    thumb = page.locator("#business-card-thumb")
    thumb.wait_for()
    assert thumb.evaluate("img => img.naturalWidth") > 0
    _shot(page, "02-saved")

    # find it in the list by company name; the URL carries the filter
    page.goto("/leads/")
    page.fill("#id_q", "Nordlicht")
    page.wait_for_url(re.compile(r"q=Nordlicht"))
    results = page.locator("#lead-results")
    expect(page.locator("#lead-results tbody tr")).to_have_count(1)
    expect(page.locator("#lead-results tbody")).to_contain_text("Nordlicht")
    assert lead.number in results.inner_text()
    filtered_url = page.url
    page.reload()
    assert page.url == filtered_url
    assert page.input_value("#id_q") == "Nordlicht"
    assert page.locator("#lead-results tbody tr").count() == 1
    assert lead.number in page.locator("#lead-results").inner_text()
    _shot(page, "03-list")

    # conflict: the manager opened the mask before the rep saved another change
    other = login_page(manager, path=f"/leads/{lead.pk}/")
    page.goto(f"/leads/{lead.pk}/")
    page.fill("#id_city", "Husum")
    page.locator(".lc-mask-head button[type=submit]").click()
    page.wait_for_load_state()
    assert "gespeichert" in page.locator("#messages").inner_text()

    other.fill("#id_notes", "Rückruf am Montag vereinbart")
    other.locator(".lc-mask-head button[type=submit]").click()
    other.wait_for_load_state()
    errors = other.locator("#form-errors").inner_text()
    assert "Anna Vogt" in errors
    assert "Ort" in errors
    assert other.input_value("#id_notes") == "Rückruf am Montag vereinbart"
    _shot(other, "04-conflict")
    assert "Interessensschwerpunkte" not in errors  # the rep's save kept them
    lead.refresh_from_db()
    assert lead.city == "Husum" and lead.notes == ""
    assert list(lead.interests.values_list("name", flat=True)) == ["Windkraft"]
    assert not page.csp_violations and not other.csp_violations
