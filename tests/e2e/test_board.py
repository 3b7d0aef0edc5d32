"""Browser tests of the lead board and the dashboard (issue 7).

Drag a card to another column and see it stay there after a reload; move one with the
keyboard through the status menu; draw the dashboard with every chart and no CSP
violation. Set BOARDS_SCREENSHOTS=<dir> to keep screenshots of board and dashboard.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from leads.models import Lead
from tests.factories import LeadFactory, UserFactory, source, status
from tests.factories.boards import demo_dataset

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str) -> None:
    target = os.environ.get("BOARDS_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(target) / f"{name}.png"), full_page=True)


def _column(page, name: str):
    return page.locator(f".board-column[data-status-id='{status(name).pk}']")


def _drag(page, source, target) -> None:
    """A real pointer drag (press, move in steps, release) as a user does it."""
    page.wait_for_selector(".board-cards[data-sortable='1']", state="attached")
    source.scroll_into_view_if_needed()
    box = source.bounding_box()
    goal = target.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 12)
    page.mouse.down()
    page.wait_for_timeout(100)
    page.mouse.move(box["x"] + box["width"] / 2 + 10, box["y"] + 20, steps=5)
    page.wait_for_timeout(100)
    page.mouse.move(goal["x"] + goal["width"] / 2, goal["y"] + 20, steps=20)
    page.wait_for_timeout(100)
    page.mouse.up()


def test_drag_card_to_other_column_persists(login_page, rep):
    lead = LeadFactory(company_name="Ziehmich Solar GmbH", follow_up_by=rep, source=source("Messe"))
    LeadFactory(company_name="Bleibt Offen AG", follow_up_by=rep)
    LeadFactory(company_name="Schon Kontaktiert KG", status=status("Kontaktiert"), follow_up_by=rep)
    page = login_page(rep, path="/boards/board/")
    card = page.locator(f"#card-lead-{lead.pk}")
    target = _column(page, "Kontaktiert").locator(".board-cards")
    with page.expect_response(lambda r: "/verschieben/" in r.url and r.status == 200):
        _drag(page, card, target)
    # the card is in its new column and the counts followed
    page.wait_for_function(
        "id => document.querySelector('#card-lead-' + id)"
        "?.closest('.board-column')?.querySelector('h2')?.textContent.includes('Kontaktiert')",
        arg=lead.pk,
    )
    kontaktiert = status("Kontaktiert")
    # the count badge is swapped in after the move's response settles: wait for it
    expect(page.locator(f"#count-lead-{kontaktiert.pk}")).to_have_text("2")
    page.reload()
    assert _column(page, "Kontaktiert").locator(f"#card-lead-{lead.pk}").count() == 1
    lead.refresh_from_db()
    assert lead.status == kontaktiert and lead.version == 2
    assert page.csp_violations == []


def test_move_with_keyboard_through_status_menu(login_page, rep):
    lead = LeadFactory(company_name="Tastatur Energie GmbH", follow_up_by=rep)
    page = login_page(rep, path="/boards/board/")
    card = page.locator(f"#card-lead-{lead.pk}")
    card.locator("summary").focus()
    page.keyboard.press("Enter")  # opens "Status ändern"
    page.keyboard.press("Tab")
    select = card.locator("select[name=status]")
    assert select.evaluate("el => el === document.activeElement")
    select.select_option(label="Qualifiziert")
    page.keyboard.press("Tab")
    with page.expect_response(lambda r: "/verschieben/" in r.url):
        page.keyboard.press("Enter")  # "Verschieben"
    page.wait_for_function(
        "id => document.querySelector('#card-lead-' + id)"
        "?.closest('.board-column')?.querySelector('h2')?.textContent.includes('Qualifiziert')",
        arg=lead.pk,
    )
    assert "ist jetzt „Qualifiziert“" in page.locator("#messages").inner_text()
    page.reload()
    assert _column(page, "Qualifiziert").locator(f"#card-lead-{lead.pk}").count() == 1
    assert page.csp_violations == []


def test_stale_card_is_refreshed_not_overwritten(login_page, rep):
    lead = LeadFactory(company_name="Veraltet Karte AG", follow_up_by=rep)
    page = login_page(rep, path="/boards/board/")
    # someone else moves it meanwhile
    Lead.objects.filter(pk=lead.pk).update(version=7, status=status("Kontaktaufnahme"))
    card = page.locator(f"#card-lead-{lead.pk}")
    card.locator("summary").click()
    card.locator("select[name=status]").select_option(label="Qualifiziert")
    with page.expect_response(lambda r: "/verschieben/" in r.url):
        card.get_by_role("button", name="Verschieben").click()
    page.wait_for_function(
        "id => document.querySelector('#card-lead-' + id)"
        "?.closest('.board-column')?.querySelector('h2')?.textContent.includes('Kontaktaufnahme')",
        arg=lead.pk,
    )
    assert "inzwischen" in page.locator("#messages").inner_text()
    lead.refresh_from_db()
    assert lead.status.name == "Kontaktaufnahme"


def test_board_and_dashboard_with_demo_data(login_page, rep):
    users = [
        rep,
        *[
            UserFactory(first_name=f, last_name=n)
            for f, n in (("Jonas", "Keller"), ("Petra", "Hoffmann"))
        ],
    ]
    demo_dataset(users=users, size=90)
    page = login_page(rep, path="/boards/board/")
    assert page.locator(".board-card").count() > 10
    _shot(page, "board")
    page.goto("/boards/auswertungen/")
    page.wait_for_function(
        "() => [...document.querySelectorAll('canvas[data-chart]')]"
        ".every(c => c.dataset.rendered === '1')"
    )
    canvases = page.locator("canvas[data-chart]")
    # boards.dashboard.CHARTS, with the lost-reason, stall and engagement charts
    assert canvases.count() == CHART_COUNT
    for i in range(canvases.count()):
        box = canvases.nth(i).bounding_box()
        assert box["width"] > 100 and box["height"] > 100
    page.wait_for_timeout(500)  # let the short chart animation finish for the picture
    _shot(page, "dashboard")
    # a filter reloads the dashboard with the filter in the URL, and the charts are drawn
    page.get_by_label("Angelegt im Zeitraum").select_option(value="90")
    page.wait_for_url("**/auswertungen/?*period=90*")
    page.wait_for_function(
        f"() => document.querySelectorAll('canvas[data-chart]').length === {CHART_COUNT} && "
        "[...document.querySelectorAll('canvas[data-chart]')].every(c => c.dataset.rendered === '1')"
    )
    assert page.csp_violations == []


CHART_COUNT = 13


def test_scrolling_a_column_loads_more_cards(login_page, rep):
    LeadFactory.create_batch(45, follow_up_by=rep)
    offen = status("Offen")
    page = login_page(rep, path="/boards/board/")
    cards = page.locator(f"#cards-lead-{offen.pk} .board-card")
    assert cards.count() == 20
    body = page.locator(".board-column", has=page.locator(f"#cards-lead-{offen.pk}")).locator(
        ".board-column-body"
    )
    for expected in (40, 45):
        body.evaluate("el => el.scrollTo(0, el.scrollHeight)")
        page.wait_for_function(
            "([sel, n]) => document.querySelectorAll(sel).length >= n",
            arg=[f"#cards-lead-{offen.pk} .board-card", expected],
        )
    assert cards.count() == 45
    assert page.locator(f"#count-lead-{offen.pk}").inner_text() == "45"
    assert page.csp_violations == []


def test_person_board(login_page, rep):
    from boards.models import SelectionTarget
    from tests.factories import CompanyFactory, PersonFactory, SelectionFactory, category

    selection = SelectionFactory(owner=rep, target=SelectionTarget.PERSON, name="Interessenten Süd")
    names = ["Adler", "Berger", "Conrad", "Dietrich", "Ernst", "Fuchs", "Graf", "Hahn"]
    statuses = ["Offen", "Kontaktaufnahme", "Qualifiziert", "Erneut bearbeiten"]
    for i, name in enumerate(names):
        company = CompanyFactory(name=f"{name} Energie GmbH", category=category("Lead"))
        PersonFactory(
            company=company, last_name=name, owner=rep, lead_status=status(statuses[i % 4])
        )
    person = PersonFactory(
        company=CompanyFactory(category=category("Lead")),
        last_name="Zieher",
        lead_status=status("Offen"),
    )
    page = login_page(rep, path=f"/boards/selektionen/{selection.pk}/board/")
    card = page.locator(f"#card-person-{person.pk}")
    target = _column(page, "Qualifiziert").locator(".board-cards")
    with page.expect_response(lambda r: "/verschieben/" in r.url and r.status == 200):
        _drag(page, card, target)
    page.wait_for_function(
        "id => document.querySelector('#card-person-' + id)"
        "?.closest('.board-column')?.querySelector('h2')?.textContent.includes('Qualifiziert')",
        arg=person.pk,
    )
    person.refresh_from_db()
    assert person.lead_status.name == "Qualifiziert"
    _shot(page, "person_board")
    assert page.csp_violations == []


def test_filter_swaps_board_and_pushes_url(login_page, rep):
    messe = source("Messe")
    LeadFactory(company_name="Messe Kontakt GmbH", source=messe, follow_up_by=rep)
    LeadFactory(company_name="Web Anfrage AG", source=source("Webseite"), follow_up_by=rep)
    page = login_page(rep, path="/boards/board/")
    page.get_by_label("Quelle").select_option(label="Messe")
    page.wait_for_url(f"**/boards/board/?*source={messe.pk}*")
    page.wait_for_function("() => !document.body.textContent.includes('Web Anfrage AG')")
    assert page.locator("text=Messe Kontakt GmbH").count() == 1
    assert f"source={messe.pk}" in page.locator("#board-list-link").get_attribute("href")
    page.reload()
    assert page.locator("text=Web Anfrage AG").count() == 0
    assert page.csp_violations == []
