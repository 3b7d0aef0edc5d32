"""Shared fixtures: personas, logged-in clients, test settings, Playwright browser.

Personas (users, password `factories.PASSWORD`):
    rep, teammate (Vertrieb), manager (Vertriebsleitung), marketing (Marketing),
    staff_admin (is_staff + is_superuser, no group), outsider (logged in, no role → 403).
Clients (each its own django.test.Client, already logged in with force_login):
    rep_client, teammate_client, manager_client, marketing_client, admin_client_staff,
    outsider_client. (`client` stays anonymous.)
Browser (marker e2e): `browser` (session), `login_page(user, path="/")` → logged-in Page,
    `anonymous_page(path="/")` → Page; each page has `page.csp_violations` (list of console
    messages about the Content Security Policy) to assert it stays empty.

Every test runs with: axes off (unless marked `axes`), Celery eager, anymail's test e-mail
backend (`mail.outbox`), MEDIA_ROOT in tmp_path, a fresh local-memory cache (unless marked
`redis`), a fast password hasher. Tests marked `postgres` / `redis` are skipped when
DATABASE_URL is not PostgreSQL / REDIS_URL is unset.
"""

import os
import shutil
from collections.abc import Callable

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.test import Client

from accounts.models import Role
from tests.factories import PASSWORD, UserFactory, ensure_defaults

pytest_plugins = ["tests.clock"]  # the frozen_time fixture

MARKERS = {
    "smoke": "fast subset that must pass on the default SQLite database",
    "e2e": "Playwright browser tests (need Chromium; run by the browser tier)",
    "postgres": "needs PostgreSQL (DATABASE_URL pointing at a PostgreSQL server)",
    "redis": "needs a Redis server (REDIS_URL)",
    "slow": "slow tests",
    "axes": "runs with django-axes enabled (login lockout tests)",
}

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_configure(config):
    known = {line.split(":", 1)[0].strip() for line in config.getini("markers")}
    for name, description in MARKERS.items():
        if name not in known:
            config.addinivalue_line("markers", f"{name}: {description}")


def _is_postgres() -> bool:
    return django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def pytest_collection_modifyitems(config, items):
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    skip_redis = pytest.mark.skip(reason="needs Redis (set REDIS_URL)")
    is_pg = _is_postgres()
    has_redis = bool(os.environ.get("REDIS_URL"))
    for item in items:
        if not is_pg and item.get_closest_marker("postgres"):
            item.add_marker(skip_pg)
        if not has_redis and item.get_closest_marker("redis"):
            item.add_marker(skip_redis)


# --------------------------------------------------------------------------- settings


def _is_transactional(request) -> bool:
    if {"transactional_db", "live_server"} & set(request.fixturenames):
        return True
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return False
    return bool(marker.kwargs.get("transaction") or (marker.args and marker.args[0]))


@pytest.fixture(autouse=True)
def _test_settings(request, settings, tmp_path):
    """Per-test settings every test relies on (see module docstring)."""
    from leadcrm.celery import app as celery_app

    settings.AXES_ENABLED = bool(request.node.get_closest_marker("axes"))
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if not request.node.get_closest_marker("redis"):
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": f"test-{os.getpid()}",
            }
        }
    # The Celery app read its config once; Django's settings fixture does not reach it.
    saved = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    caches["default"].clear()
    yield
    caches["default"].clear()
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = saved


@pytest.fixture(autouse=True)
def _default_rows_after_flush(request):
    """Transactional tests flush the tables (also the data-migration defaults): reload them."""
    if _is_transactional(request):
        request.getfixturevalue("transactional_db")
        ensure_defaults()


# --------------------------------------------------------------------------- personas


@pytest.fixture
def rep(db):
    return UserFactory(username="rep", first_name="Anna", last_name="Vogt", roles=[Role.SALES])


@pytest.fixture
def teammate(db):
    return UserFactory(
        username="teammate", first_name="Jonas", last_name="Keller", roles=[Role.SALES]
    )


@pytest.fixture
def manager(db):
    return UserFactory(
        username="manager",
        first_name="Petra",
        last_name="Hoffmann",
        roles=[Role.SALES_MANAGER],
    )


@pytest.fixture
def marketing(db):
    return UserFactory(
        username="marketing", first_name="Lena", last_name="Marx", roles=[Role.MARKETING]
    )


@pytest.fixture
def staff_admin(db):
    return UserFactory(
        username="admin",
        first_name="Sabine",
        last_name="Admin",
        is_staff=True,
        is_superuser=True,
    )


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider", first_name="Olaf", last_name="Fremd")


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def rep_client(rep):
    return _logged_in(rep)


@pytest.fixture
def teammate_client(teammate):
    return _logged_in(teammate)


@pytest.fixture
def manager_client(manager):
    return _logged_in(manager)


@pytest.fixture
def marketing_client(marketing):
    return _logged_in(marketing)


@pytest.fixture
def admin_client_staff(staff_admin):
    return _logged_in(staff_admin)


@pytest.fixture
def outsider_client(outsider):
    return _logged_in(outsider)


# --------------------------------------------------------------------------- browser (e2e)


def _chromium_path() -> str:
    return os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    path = _chromium_path()
    if not (os.path.isfile(path) or shutil.which(path)):
        pytest.skip(f"Chromium not found at {path} (set CHROMIUM_PATH)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - dev dependency missing
        pytest.skip("playwright is not installed")
    # Playwright's sync API runs an event loop in this thread; Django's ORM would then
    # refuse to run in the test body. The test thread never shares a connection with it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
    yield chromium
    chromium.close()
    playwright.stop()


def _watch_csp(page) -> None:
    page.csp_violations = []

    def on_console(message) -> None:
        if "Content Security Policy" in message.text:
            page.csp_violations.append(message.text)

    page.on("console", on_console)


@pytest.fixture
def _browser_contexts(browser):
    contexts = []
    yield contexts
    for context in contexts:
        context.close()


def _new_page(browser, contexts, base_url: str):
    context = browser.new_context(
        base_url=base_url, locale="de-DE", viewport={"width": 1366, "height": 900}
    )
    context.set_default_timeout(10_000)
    contexts.append(context)
    page = context.new_page()
    _watch_csp(page)
    return page


@pytest.fixture
def anonymous_page(browser, live_server, _browser_contexts) -> Callable:
    """`anonymous_page(path="/")` → a new Page (own cookies) that opened `path`."""

    def open_page(path: str = "/"):
        page = _new_page(browser, _browser_contexts, live_server.url)
        page.goto(path)
        return page

    return open_page


@pytest.fixture
def login_page(browser, live_server, _browser_contexts) -> Callable:
    """`login_page(user, path="/")` → a Page logged in through the real login form.

    The user must have the factory password (`tests.factories.PASSWORD`), as all factory
    users do. After login the page opens `path`.
    """

    def log_in(user, path: str = "/"):
        page = _new_page(browser, _browser_contexts, live_server.url)
        page.goto("/anmelden/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("form [type=submit]")
        page.wait_for_load_state()
        if "/anmelden/" in page.url:
            raise AssertionError(f"Login as {user.username} failed: still on {page.url}")
        if path:
            page.goto(path)
        return page

    return log_in
