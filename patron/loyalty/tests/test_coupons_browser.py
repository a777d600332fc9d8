"""The coupon and card pages in a browser: they fit a phone, and the card prints alone."""

import pytest

from patron.customers.tests.factories import make_customer
from patron.loyalty.cards import card_issue
from patron.loyalty.coupons import batch_create
from patron.web.tests.browsing import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def overflows(page):
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")


def test_the_coupons_pages_fit_a_phone(page, live_server, staff, thai_shop):
    lan = staff("lan")
    made = batch_create(name="Tết", benefit="Free jasmine tea", use="limited", max_uses=5, count=30, by=lan)
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "lan")
    page.goto(f"{live_server.url}/loyalty/coupons/")
    assert page.locator("#batch-form").is_visible() and not overflows(page)
    page.goto(f"{live_server.url}/loyalty/coupons/{made.pk}/")
    assert page.locator("#codes").is_visible() and not overflows(page)


def test_the_card_fits_a_phone_and_prints_alone(page, live_server, staff, thai_shop):
    somchai = staff("somchai")
    card, _ = card_issue(customer=make_customer(somchai, "somsri"), by=somchai)
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "somchai")
    page.goto(f"{live_server.url}/loyalty/cards/{card.number}/")
    box = page.locator("#member-card").bounding_box()
    assert box["width"] <= PHONE["width"] and not overflows(page)
    assert page.locator("#member-card svg").is_visible()
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible() and not page.locator("#print-card").is_visible()
    assert page.locator("#member-card").is_visible()
