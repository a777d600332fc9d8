"""The programme page on a 390 px phone, in a real browser: the Vietnamese marketer turns the
programme on and adds an earning rule; nothing is wider than the screen."""

import tempfile
from pathlib import Path

import pytest
from django.utils import translation

from patron.loyalty.models import EarnRule, Programme
from patron.web.tests.browsing import log_in

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
SHOTS = Path(tempfile.gettempdir())  # looked at by hand, never kept


def overflow(page):
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_a_marketer_sets_the_programme_on_a_phone(page, live_server, staff, thai_shop):
    staff("lan")
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "lan")
    page.goto(f"{live_server.url}/loyalty/programme/")
    with translation.override("vi"):
        heading = translation.gettext("Loyalty programme")
    assert page.locator("h1").inner_text() == heading
    page.check("#id_active")
    page.fill("#id_points_per_unit", "0.1")
    page.fill("#id_pending_days", "14")
    page.fill("#id_expiry_months", "12")
    page.locator("#programme-form button[type=submit]").click()
    page.wait_for_load_state()
    programme = Programme.objects.get()
    assert (programme.active, programme.pending_days, programme.expiry_months) == (True, 14, 12)

    page.select_option("#id_applies_to", "category")
    page.fill("#id_value", "Trà ô long đặc biệt")
    page.fill("#id_multiplier", "2")
    page.locator("#rule-form button[type=submit]").click()
    page.wait_for_selector("#earn-rules")
    assert EarnRule.objects.get().value == "Trà ô long đặc biệt"
    # One column: each field of the form starts at the same left edge, inside the screen.
    lefts = {
        round(page.locator(f"#id_{name}").bounding_box()["x"])
        for name in ("name", "points_per_unit", "referral_bonus")
    }
    assert len(lefts) == 1
    assert overflow(page) <= 0
    page.screenshot(path=SHOTS / "loyalty-programme-390.png", full_page=True)
