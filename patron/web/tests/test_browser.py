"""What a person sees, in a real browser: Debian's Chromium, headless, driven by Playwright."""

import pytest

from patron.customers.tests.factories import make_customer
from patron.web.tests.browsing import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def shop(staff, thai_shop):
    somchai = staff("somchai")
    staff("lan")
    return {key: make_customer(somchai, key) for key in ["nguyen_van_an", "sukru_isik", "somsri", "juan"]}


def test_marketer_finds_a_vietnamese_customer_typed_without_accents(page, live_server, shop):
    log_in(page, live_server, "lan")
    page.fill("input[type=search]", "nguyen van")
    results = page.locator("#results tbody tr")
    results.first.wait_for()
    page.wait_for_function("() => document.querySelectorAll('#results tbody tr').length === 1")
    assert results.count() == 1
    page.click("text=Nguyễn Văn An")
    page.wait_for_url(f"{live_server.url}/customers/{shop['nguyen_van_an'].pk}/")
    assert page.locator("h1").inner_text() == "Nguyễn Văn An"
    profile = page.locator("section[aria-labelledby=identities-h]").inner_text()
    assert "an.nguyen@example.vn" in profile
    assert "+84 901 234 567" in profile  # a foreign number, shown in international form
    assert page.locator("section[aria-labelledby=purchases-h]").is_visible()


def test_interaction_is_logged_with_a_subject_and_refused_without(page, live_server, shop):
    log_in(page, live_server, "lan")
    page.goto(f"{live_server.url}/customers/{shop['somsri'].pk}/")
    page.click("#log-interaction")
    page.click("#save-interaction")
    page.locator("#interaction-form .errorlist").wait_for()
    assert "chủ đề hoặc ghi chú" in page.locator("#interaction-form .errorlist").inner_text()  # Vietnamese
    assert not shop["somsri"].interactions.exists()
    page.fill("#id_subject", "Hỏi về đơn gạo")
    page.click("#save-interaction")
    page.locator("#interactions [role=status]").wait_for()
    assert page.locator("#interactions table tr").count() == 1
    logged = shop["somsri"].interactions.get()
    assert (logged.subject, logged.staff.username) == ("Hỏi về đơn gạo", "lan")


def test_script_in_a_customer_name_is_shown_as_text_and_runs_nothing(page, live_server, staff, thai_shop):
    somchai = staff("somchai")
    customer = make_customer(somchai, display_name="<script>alert(1)</script>")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, live_server, "somchai")
    page.fill("input[type=search]", "script")
    page.locator("#results tbody a").first.wait_for()
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    assert page.locator("h1").inner_text() == "<script>alert(1)</script>"
    assert page.evaluate("document.querySelectorAll('main script').length") == 0
    assert dialogs == []


def test_thai_interface_renders_with_the_bundled_font(page, live_server, shop):
    log_in(page, live_server, "lan")
    page.select_option("#language-switch", "th")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "th"
    font_ready = page.evaluate("document.fonts.check('16px \"Noto Sans Thai\"', 'ลูกค้า')")
    assert font_ready
