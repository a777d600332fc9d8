"""The customer page's points panel on a phone, in a real browser: it fits the window, and a
service agent redeems points with its form and sees the new balance."""

import pytest
from django.urls import reverse

from patron.customers.tests.factories import make_customer
from patron.loyalty.ledger import points_earn
from patron.loyalty.models import Account
from patron.web.tests.browsing import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_a_service_agent_redeems_on_a_phone(browser, live_server, staff, thai_shop, tmp_path):
    somchai = staff("somchai")
    staff("emre")
    customer = make_customer(somchai, "somsri")
    points_earn(customer=customer, points=100, key="e:100", by=somchai, reason="Opening bonus")
    context = browser.new_context(locale="tr-TR", viewport=PHONE)
    page = context.new_page()
    try:
        log_in(page, live_server, "emre")
        page.goto(live_server.url + reverse("customers:detail", args=[customer.pk]))
        assert page.text_content("#points-balance").strip() == "100"
        wide = page.evaluate("() => document.documentElement.scrollWidth")
        assert wide <= PHONE["width"], wide
        page.fill("#redeem-form input[name=points]", "30")
        page.fill("#redeem-form input[name=reason]", "Bedava çay")
        page.click("#redeem-submit")
        page.wait_for_selector("ul.messages")
        assert page.text_content("#points-balance").strip() == "70"
        assert "Bedava çay" in page.text_content("#points-entries")
        page.screenshot(path=tmp_path / "points-phone.png", full_page=True)  # for a look when it fails
    finally:
        context.close()
    assert Account.objects.get(customer=customer).points == 70
