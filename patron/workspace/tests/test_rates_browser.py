"""The rates page in a real browser on a 390 px phone: a rate file uploaded, its ambiguous
dates questioned, the order chosen, the rates saved; a rate changed; nothing wider than the
screen but the tables, which scroll inside their box."""

from datetime import date
from decimal import Decimal

import pytest

from patron.workspace.models import ExchangeRate

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"{username}-pass-2024")
    page.click("button[type=submit]")
    page.wait_for_load_state()


def page_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="en-GB", viewport=PHONE)
    page = context.new_page()
    yield page
    context.close()


def test_import_a_rate_file_and_change_a_rate_on_a_phone(phone, live_server, staff, thai_shop, tmp_path):
    from patron.accounts.services import profile_update

    profile_update(user=staff("somchai"), language="en")
    rates = tmp_path / "rates.csv"
    rates.write_text("Date;USD;EUR\n04/05/2026;32,85;37,1\n05/05/2026;32,9;37,2\n", encoding="utf-8-sig")
    log_in(phone, live_server, "somchai")
    phone.goto(f"{live_server.url}/workspace/rates/")
    assert page_width(phone) <= PHONE["width"]

    phone.click("#import-rates")
    phone.set_input_files("#id_file", str(rates))
    phone.click("#upload-rates")
    phone.locator("#preview").wait_for()
    assert "choose the date order" in phone.locator("#reading").inner_text()
    assert phone.locator("#save-rates").count() == 0
    assert page_width(phone) <= PHONE["width"]
    phone.screenshot(path=tmp_path / "preview-390.png", full_page=True)

    phone.select_option("#id_date_order", "dmy")
    phone.click("#read-again")
    phone.locator("#save-rates").wait_for()
    assert "4 rates will be added." in phone.locator("#counts").inner_text()
    phone.click("#save-rates")
    phone.wait_for_url(f"{live_server.url}/workspace/rates/")
    assert "4 rates added. 0 saved rates changed." in phone.locator(".messages").inner_text()
    assert ExchangeRate.objects.get(currency="USD", date=date(2026, 5, 4)).rate == Decimal("32.85")

    phone.click("#rates a >> nth=0")  # the first rate of the table: 5 May, EUR
    assert phone.locator("#id_currency").input_value() == "EUR"
    phone.fill("#id_rate", "37.25")
    phone.click("#save-rate")
    phone.wait_for_load_state()
    assert ExchangeRate.objects.get(currency="EUR", date=date(2026, 5, 5)).rate == Decimal("37.25")
    assert page_width(phone) <= PHONE["width"]
    phone.screenshot(path=tmp_path / "rates-390.png", full_page=True)  # to look at, under /tmp


def test_the_gap_list_unfolds_its_days_on_a_desktop(
    page, live_server, staff, thai_shop, tmp_path, monkeypatch
):
    from datetime import UTC, datetime

    from django.utils import timezone

    from patron.accounts.services import profile_update

    profile_update(user=staff("somchai"), language="en")
    monkeypatch.setattr(
        timezone, "now", lambda: datetime(2026, 5, 29, 5, 0, tzinfo=UTC)
    )  # the server is this process
    for day in (4, 6, 7, 8, 11):
        ExchangeRate.objects.create(currency="USD", date=date(2026, 5, day), rate=Decimal("32.5"))
    log_in(page, live_server, "somchai")
    page.goto(f"{live_server.url}/workspace/rates/")
    summary = page.locator("#missing-USD-2026-05 summary")
    assert summary.inner_text() == "Rates missing for USD on 15 days in May 2026"
    days = page.locator("#missing-USD-2026-05 p")
    assert not days.is_visible()
    summary.click()
    assert days.inner_text() == "5, 12–15, 18–22, 25–29"
    assert page_width(page) <= 1280
    page.screenshot(path=tmp_path / "rates-1280.png", full_page=True)  # to look at, under /tmp
