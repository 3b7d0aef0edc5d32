"""E2E: the keyboard shortcuts of every page (static/js/shortcuts.js): "?" lists them,
"g l" / "g b" / "g d" and "n" navigate, "j"/"k" walk the list and Enter opens the row;
nothing fires while typing in a field."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import LeadFactory


@pytest.mark.e2e
def test_shortcuts_navigate_and_walk_the_list(login_page, rep):
    first, second = LeadFactory(company_name="Erste GmbH"), LeadFactory(company_name="Zweite AG")
    page = login_page(rep, "/")

    page.keyboard.press("?")
    dialog = page.locator("#shortcuts-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("link", name="Neuer Lead")).to_be_visible()
    dialog.get_by_role("button", name="Schließen").click()
    expect(dialog).to_be_hidden()

    page.keyboard.press("g")
    page.keyboard.press("b")
    page.wait_for_url(re.compile(r"/boards/board/"))
    page.keyboard.press("g")
    page.keyboard.press("l")
    page.wait_for_url(re.compile(r"/leads/$"))

    page.keyboard.press("j")
    current = page.locator("tr.lc-row-current")
    expect(current).to_have_count(1)
    page.keyboard.press("j")
    page.keyboard.press("k")
    expect(page.locator("tbody tr").first).to_have_class(re.compile("lc-row-current"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/leads/\d+/$"))
    assert page.url.rstrip("/").rsplit("/", 1)[-1] in (str(first.pk), str(second.pk))

    # typing into the search box is not a shortcut
    page.keyboard.press("/")
    page.keyboard.type("n")
    expect(page.locator("#global-search")).to_have_value("n")
    assert "/leads/neu/" not in page.url

    page.locator("#global-search").blur()
    page.keyboard.press("n")
    page.wait_for_url(re.compile(r"/leads/neu/"))
