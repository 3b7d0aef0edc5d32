"""A rep's whole day and an admin's change, in a real browser, with zero CSP violations.

Rep: log in, see the bell with a notification, open the overdue leads from the dashboard
tile, qualify one on the board, send info material, convert another lead, and visit every
main page on the way. Admin: add a lead status and a category with lead status enabled in
the Django admin; the rep then sees both in their screens.

Set DAY_SCREENSHOTS=<dir> to keep a screenshot of every page visited.
"""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone

from activities.models import ActivityKind, MailState
from contacts.models import Category, LeadStatus
from leads.models import Lead
from notifications.services import notify
from tests.factories import (
    LeadFactory,
    MailTemplateFactory,
    PersonFactory,
    status,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MAIN_PAGES = [
    "/",
    "/leads/",
    "/boards/board/",
    "/boards/auswertungen/",
    "/boards/selektionen/",
    "/kontakte/firmen/",
    "/kontakte/personen/",
    "/kontakte/suchen/",
    "/aktivitaeten/",
    "/benachrichtigungen/",
    "/konto/profil/",
]


def _visit(page, path: str, name: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, (path, response and response.status)
    page.wait_for_load_state("networkidle")
    _shot(page, name)
    assert page.csp_violations == [], (path, page.csp_violations)


def _shot(page, name: str) -> None:
    target = os.environ.get("DAY_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(target) / f"{name}.png"), full_page=True)


def test_a_reps_day(login_page, rep):
    today = timezone.localdate()
    overdue = LeadFactory(
        company_name="Überfällig Solar GmbH",
        follow_up_by=rep,
        follow_up_until=today - dt.timedelta(days=3),
    )
    for_info = LeadFactory(
        company_name="Infomaterial Wind AG",
        follow_up_by=rep,
        email="einkauf@infomaterial-wind.de",
    )
    to_convert = LeadFactory(
        company_name="Konvertier Energie KG",
        first_name="Julia",
        last_name="Schneider",
        follow_up_by=rep,
        status=status("Qualifiziert"),
    )
    MailTemplateFactory(name="Produktinformation PV")
    notify(recipient=rep, title="Neuer Lead zugewiesen: Überfällig Solar GmbH", url="/leads/")

    page = login_page(rep, path="/")
    # the bell loads by htmx and shows the unread notification
    page.wait_for_selector("[data-testid=bell-count]")
    assert page.locator("[data-testid=bell-count]").inner_text().strip() == "1"
    for index, path in enumerate(MAIN_PAGES):
        _visit(page, path, f"rep-{index:02d}")

    # dashboard tile "overdue" → the list of overdue leads
    _visit(page, "/boards/auswertungen/", "rep-dashboard")
    page.locator("#tile-overdue").click()
    page.wait_for_load_state("networkidle")
    assert "Überfällig Solar GmbH" in page.content()
    assert "Infomaterial Wind AG" not in page.content()
    assert page.csp_violations == []

    # qualify the overdue lead on the board (status menu of its card)
    _visit(page, "/boards/board/", "rep-board")
    card = page.locator(f"#card-lead-{overdue.pk}")
    card.locator("summary").click()
    card.locator("select[name=status]").select_option(label="Qualifiziert")
    with page.expect_response(lambda r: "/verschieben/" in r.url):
        card.locator("button[type=submit]").first.click()
    page.wait_for_function(
        "id => document.querySelector('#card-lead-' + id)"
        "?.closest('.board-column')?.querySelector('h2')?.textContent.includes('Qualifiziert')",
        arg=overdue.pk,
    )
    overdue.refresh_from_db()
    assert overdue.status == status("Qualifiziert")
    assert page.csp_violations == []

    # send info material from the lead mask's action box
    _visit(page, f"/leads/{for_info.pk}/", "rep-mask")
    page.get_by_role("button", name="Aktionsbox").click()
    page.get_by_role("link", name="Infomaterial versenden").click()
    page.wait_for_load_state()
    page.get_by_label("Produktinformation PV").check()
    page.get_by_role("button", name="Weiter zum Maildialog").click()
    page.wait_for_selector(".mail-dialog")
    assert page.csp_violations == []
    page.get_by_role("button", name="Senden").click()
    page.wait_for_load_state()
    assert "wird versendet" in page.locator("#messages").inner_text()
    mail = for_info.activities.filter(kind=ActivityKind.EMAIL_OUT).get()
    mail.refresh_from_db()
    assert mail.mail_state in (MailState.QUEUED, MailState.SENT)
    assert page.csp_violations == []

    # convert another lead through the wizard
    _visit(page, f"/leads/{to_convert.pk}/", "rep-convert-mask")
    page.get_by_role("button", name="Aktionsbox").click()
    page.get_by_role("link", name="Ansprechpartner anlegen (Konvertierung)").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Weiter").click()
    page.wait_for_selector("#person_last_name")
    page.get_by_role("button", name="Weiter").click()
    page.wait_for_selector("#opportunity_title")
    page.get_by_label("Angebot", exact=True).check()
    page.fill("#opportunity_title", "PV-Anlage Hallendach")
    page.fill("#opportunity_amount", "98000")
    page.get_by_role("button", name="Konvertieren").click()
    page.wait_for_url(f"**/leads/{to_convert.pk}/")
    assert "Lead konvertiert" in page.locator("#messages").inner_text()
    to_convert.refresh_from_db()
    assert to_convert.converted_at is not None
    assert page.csp_violations == []


def test_admin_adds_status_and_category_the_rep_sees_them(login_page, staff_admin, rep):
    PersonFactory()
    admin = login_page(staff_admin, path="/admin/contacts/leadstatus/add/")
    admin.fill("#id_name", "Angebot in Vorbereitung")
    admin.select_option("#id_phase", "working")
    admin.fill("#id_rank", "35")
    admin.locator("input[name=_save]").click()
    admin.wait_for_load_state()
    assert LeadStatus.objects.filter(name="Angebot in Vorbereitung", active=True).exists()
    _shot(admin, "admin-status")

    admin.goto("/admin/contacts/category/add/")
    admin.fill("#id_name", "Stadtwerk")
    admin.select_option("#id_group", label="Potenzieller Kunde")
    admin.check("#id_lead_status_enabled")
    admin.locator("input[name=_save]").click()
    admin.wait_for_load_state()
    category = Category.objects.get(name="Stadtwerk")
    assert category.uses_lead_status
    _shot(admin, "admin-category")
    assert admin.csp_violations == []

    LeadFactory(company_name="Neuer Status GmbH", follow_up_by=rep)
    page = login_page(rep, path="/boards/board/")
    page.wait_for_load_state("networkidle")
    new_status = LeadStatus.objects.get(name="Angebot in Vorbereitung")
    assert page.locator(f".board-column[data-status-id='{new_status.pk}']").count() == 1
    lead = Lead.objects.get(company_name="Neuer Status GmbH")
    _visit(page, f"/leads/{lead.pk}/", "rep-new-status")
    assert "Angebot in Vorbereitung" in page.locator("select[name=status]").inner_text()
    _visit(page, "/kontakte/firmen/neu/", "rep-new-category")
    assert "Stadtwerk" in page.locator("select[name=category]").inner_text()
    assert page.csp_violations == []


@pytest.mark.axes
def test_password_guessing_ends_on_the_german_lockout_page(anonymous_page, rep, settings):
    from axes.utils import reset

    reset()
    page = anonymous_page("/anmelden/")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.fill("#id_username", rep.username)
        page.fill("#id_password", "falsch-geraten")
        page.click("form [type=submit]")
        page.wait_for_load_state()
    assert "Anmeldung vorübergehend gesperrt" in page.content()
    _shot(page, "locked-out")
    assert page.csp_violations == []
    reset()
