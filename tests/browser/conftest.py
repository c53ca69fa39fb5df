"""Real-browser tests: Playwright driving Debian's chromium against Django's live server."""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.helpers import DESKTOP
from tests.seeds import SEEDS_DIR

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Without these, chromium reaches for Google's hosts, which this network refuses.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="module")
def browser():
    """One chromium for a test module. Playwright's sync API keeps an event loop in this thread
    while it is open, so Django's async-safety check is lifted for exactly that long: the ORM
    calls the tests make between page actions are ordinary synchronous calls."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def archive_site(live_server, transactional_db):
    """The live server with the five seed pages ingested and freshly indexed."""
    call_command("clear_index", interactive=False, verbosity=0)
    call_command("ingest", str(SEEDS_DIR), stdout=io.StringIO())
    return live_server.url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()
