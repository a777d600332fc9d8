"""The help page on a phone (390 x 844), in a real browser: the guide and its screenshots fit the
screen, its table of contents leads to the sections, and the Content-Security-Policy is kept."""

import pytest
from django.urls import reverse

from patron.web.tests.browsing import log_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("username", ["somchai", "lan"])
def test_the_guide_fits_a_phone(browser, live_server, staff, username):
    staff(username)
    context = browser.new_context(locale="en-GB", viewport=PHONE)
    page = context.new_page()
    violations = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and violations.append(message.text),
    )
    log_in(page, live_server, username)
    page.goto(live_server.url + reverse("help:guide"))
    page.wait_for_load_state("networkidle")
    images = page.locator("#guide img")
    assert images.count() >= 5
    for index in range(images.count()):
        images.nth(index).scroll_into_view_if_needed()
    # Lazy images load after they come into view: wait for each to end, loaded or broken.
    page.wait_for_function("() => [...document.querySelectorAll('#guide img')].every(i => i.complete)")
    widths = page.eval_on_selector_all(
        "#guide img",
        "images => images.map(i => [i.getAttribute('src'), i.naturalWidth, i.getBoundingClientRect().right])",
    )
    for src, natural, right in widths:
        assert natural > 0, f"{src} did not load"
        assert right <= PHONE["width"], f"{src} reaches {right} px"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # The contents lead to each section.
    first = page.locator(".guide-contents a").nth(1)
    target = first.get_attribute("href")
    first.click()
    assert page.evaluate("location.hash") != ""
    assert page.locator(f"[id='{target[1:]}']").is_visible()
    assert violations == []
    context.close()
