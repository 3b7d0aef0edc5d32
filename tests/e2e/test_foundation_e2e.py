"""Browser checks of the foundation: login through the real form, no CSP violations."""

import pytest

pytestmark = pytest.mark.e2e


def test_login_form_leads_to_start_page_without_csp_violations(login_page, rep):
    page = login_page(rep)
    assert "/anmelden/" not in page.url
    assert page.locator("body").inner_text()
    assert page.csp_violations == []


def test_login_page_renders_styles_without_csp_violations(anonymous_page):
    page = anonymous_page("/anmelden/")
    assert page.get_by_role("button", name="Anmelden").is_visible()
    # Bootstrap is served from our own origin and applied (strict CSP allows 'self' only)
    colour = page.eval_on_selector(
        "button[type=submit]", "el => getComputedStyle(el).backgroundColor"
    )
    assert colour not in ("", "rgba(0, 0, 0, 0)")
    assert page.csp_violations == []


def test_outsider_logs_in_and_is_refused(login_page, outsider):
    page = login_page(outsider, path="")
    response = page.goto("/")
    assert response.status == 403


def test_csp_watcher_reports_inline_script(login_page, rep):
    """The harness itself: an inline script is blocked and shows up in csp_violations."""
    page = login_page(rep)
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.inlineRan = true'; document.body.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.inlineRan === true") is False
    assert page.csp_violations, "inline script was not reported as a CSP violation"
