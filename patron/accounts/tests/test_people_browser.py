"""The invitee's page and the people page on a 390 px phone, in a real browser."""

import re

import pytest
from django.contrib.auth import get_user_model

from patron.accounts import people
from patron.accounts.roles import MARKETER
from patron.accounts.tests.smtp import configure
from patron.web.tests.browsing import log_in

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def overflow(page):
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_an_invitee_joins_on_a_phone(page, live_server, staff, thai_shop, settings):
    configure(settings, "")
    made = people.invitation_create(
        email="nga@example.vn", role=MARKETER, language="vi", by=staff("somchai"), base_url=live_server.url
    )
    page.set_viewport_size(PHONE)
    page.goto(made.link)
    assert overflow(page) == 0
    for field in ["#id_username", "#id_name", "#id_password", "#id_password2", "button[type=submit]"]:
        box = page.locator(field).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] and box["height"] >= 36
    page.fill("#id_name", "Nguyễn Thị Nga")
    page.fill("#id_password", "hoa-sen-2024!")
    page.fill("#id_password2", "hoa-sen-2024")  # mistyped: the page says so and keeps the name
    page.click("button[type=submit]")
    page.wait_for_selector(".errorlist")
    assert page.locator("#id_name").input_value() == "Nguyễn Thị Nga"
    assert page.locator(".errorlist").count() == 1 and overflow(page) == 0
    page.fill("#id_password", "hoa-sen-2024!")
    page.fill("#id_password2", "hoa-sen-2024!")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(re.escape(live_server.url) + r"/(customers/|home/)?$"))
    assert "Chào mừng Nguyễn Thị Nga đến với Patron." in page.locator(".messages").inner_text()  # Vietnamese
    assert get_user_model().objects.get(username="nga@example.vn").is_active
    page.goto(made.link)
    assert "đã được dùng" in page.locator("#problem").inner_text()


def test_the_people_page_fits_a_phone(page, live_server, staff, thai_shop, settings):
    configure(settings, "")
    staff("somchai"), staff("lan"), staff("emre")
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "somchai")
    page.goto(f"{live_server.url}/account/people/")
    page.fill("#id_email", "maria@example.ph")
    page.select_option("#id_role", "Analyst")
    page.click("form.stacked button[type=submit]")
    link = page.locator("#invitation-link .secret").inner_text()
    assert link.startswith(f"{live_server.url}/account/invitation/")
    assert overflow(page) == 0  # the tables scroll inside their box
