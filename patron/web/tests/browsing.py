"""Shared by the browser tests: Debian's Chromium, headless, driven by Playwright.

``patron/conftest.py`` imports the ``browser`` and ``page`` fixtures, so every test module
can use them; mark the module ``pytestmark = pytest.mark.browser`` so ``make test`` runs it
in the browser pass.
"""

import os

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    # Playwright's sync API runs an event loop in this thread; the tests' own ORM calls
    # (making the cast and customers) are still plain synchronous code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"{username}-pass-2024")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")  # the home page, after log-in
    page.goto(f"{live_server.url}/customers/")  # where most tests start
