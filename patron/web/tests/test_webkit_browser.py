"""The web kit in a real browser: the registered menu on a phone and on a desk, and a list
refreshed in place as the filters change."""

import pytest

from patron.organisations.services import organisation_create
from patron.web.tests.browsing import log_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [390, 1280])
def test_every_menu_entry_can_be_seen_and_followed(page, live_server, staff, thai_shop, width):
    staff("somchai")
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, live_server, "somchai")
    links = page.locator("header nav a")
    assert links.count() >= 7
    if width < 760:  # on a phone the menu is folded behind its button
        assert not links.first.is_visible()
        page.click(".menu-toggle")
    for index in range(links.count()):
        links.nth(index).scroll_into_view_if_needed()
        assert links.nth(index).is_visible()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") == 0
    page.click("#nav-duplicates")
    page.wait_for_url(f"{live_server.url}/duplicates/")
    assert page.locator("header nav a[aria-current=page]").get_attribute("id") == "nav-duplicates"


def test_the_organisations_list_refreshes_in_place(page, live_server, staff, thai_shop):
    somchai = staff("somchai")
    organisation_create(by=somchai, name="Siam Distribution", kind="distributor")
    organisation_create(by=somchai, name="Mekong Trading", kind="distributor")
    log_in(page, live_server, "somchai")
    page.goto(f"{live_server.url}/organisations/")
    page.evaluate("window.notReloaded = true")
    page.fill("input[type=search]", "mekong")
    page.wait_for_function("() => document.querySelectorAll('#results tbody tr').length === 1")
    assert "Mekong Trading" in page.locator("#results").inner_text()
    assert page.evaluate("window.notReloaded") is True
    assert page.url.endswith("/organisations/?q=mekong") or "q=mekong" in page.url
