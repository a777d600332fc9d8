"""Recording a sale and returning part of it on a 390 px phone, in a real browser: the form in
one column, nothing wider than the screen, products suggested as the user types (htmx), and the
status control swapped into the customer's orders panel."""

import os
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from patron.customers.tests.factories import make_customer
from patron.sales.models import Order
from patron.sales.services import order_create, product_upsert
from patron.web.tests.browsing import log_in

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
SHOTS = os.environ.get("PATRON_SHOTS")  # a folder to keep screenshots in, when looking at them


def shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def overflow(page):
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.fixture
def shop(staff, thai_shop):
    somchai = staff("somchai")
    for sku, name in [
        ("TEA-JASMINE", "Jasmine tea"),
        ("TEA-OOLONG", "Oolong tea"),
        ("CUP-CELADON", "Celadon cup"),
    ]:
        product_upsert(sku=sku, name=name, by=somchai)
    return make_customer(somchai, "somsri")


def test_a_sale_recorded_on_a_phone(page, live_server, shop):
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "somchai")
    page.goto(f"{live_server.url}/customers/{shop.pk}/")
    assert overflow(page) == 0
    page.click("#record-sale")
    page.wait_for_url(f"{live_server.url}/customers/{shop.pk}/orders/new/")
    assert overflow(page) == 0
    # One column: the fields of the order, then those of each line, one below the other, each
    # starting at its box's left edge and ending inside the screen.
    order_fields = ["#id_placed_at", "#id_channel", "#id_currency", "#id_external_id"]
    line_fields = ["#id_lines-0-product", "#id_lines-0-quantity", "#id_lines-0-unit_price"]
    for fields in (order_fields, line_fields):
        boxes = [page.locator(selector).bounding_box() for selector in fields]
        assert len({round(box["x"]) for box in boxes}) == 1
        assert all(a["y"] + a["height"] <= b["y"] for a, b in zip(boxes, boxes[1:], strict=False))
        assert all(box["x"] + box["width"] <= PHONE["width"] for box in boxes)
    assert page.input_value("#id_currency") == "THB"

    page.locator("#id_lines-0-product").press_sequentially("oolo", delay=30)
    page.wait_for_function("() => document.querySelectorAll('#product-options option').length === 1")
    assert page.locator("#product-options option").get_attribute("value") == "TEA-OOLONG"
    page.fill("#id_lines-0-product", "TEA-OOLONG")
    page.fill("#id_lines-0-quantity", "2")
    page.fill("#id_lines-0-unit_price", "85.50")
    page.fill("#id_lines-1-product", "Celadon cup")
    page.fill("#id_lines-1-quantity", "1")
    page.fill("#id_lines-1-unit_price", "350")
    page.fill("#id_external_id", "POS-77")
    shot(page, "order-form-390")
    page.click("#save-order")
    page.wait_for_url(f"{live_server.url}/customers/{shop.pk}/")
    order = Order.objects.get()
    assert (order.external_id, order.total, order.lines.count()) == ("POS-77", Decimal("521.00"), 2)
    assert page.locator(f"#order-{order.pk}").is_visible()
    assert overflow(page) == 0
    shot(page, "customer-after-sale-390")


def test_a_refusal_is_shown_at_its_field_on_a_phone(page, live_server, shop):
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "somchai")
    page.goto(f"{live_server.url}/customers/{shop.pk}/orders/new/")
    page.fill("#id_lines-0-product", "tea")
    page.fill("#id_lines-0-quantity", "1")
    page.fill("#id_lines-0-unit_price", "10")
    page.click("#save-order")
    page.wait_for_selector("#id_lines-0-product ~ .errorlist")  # "tea": two products match
    assert page.locator(".errorlist").count() == 1
    page.fill("#id_lines-0-product", "TEA-JASMINE")
    page.fill("#id_currency", "USD")
    page.click("#save-order")
    page.wait_for_selector("#add-rate")  # no USD rate for the day: the rates page, for an Admin
    assert page.locator("#id_currency ~ .errorlist").is_visible()
    assert overflow(page) == 0
    shot(page, "order-form-refused-390")
    assert not Order.objects.exists()


def test_part_of_an_order_returned_from_the_orders_panel(page, live_server, shop):
    somchai = shop.audit_events.first().actor
    placed = datetime(2025, 3, 1, 3, tzinfo=UTC)
    order = order_create(customer=shop, placed_at=placed, channel="store", total="1000.00", by=somchai)
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "somchai")
    page.goto(f"{live_server.url}/customers/{shop.pk}/")
    page.evaluate("window.notReloaded = true")
    page.locator(f"#change-{order.pk}").scroll_into_view_if_needed()
    page.click(f"#change-{order.pk}")
    page.wait_for_selector("#order-status-form")
    assert page.evaluate("window.notReloaded") is True  # swapped in by htmx
    page.check("input[name=status][value=returned]")
    page.fill("#id_amount", "350")
    page.click("#next-status")
    page.wait_for_selector("#confirm-status")
    assert not Order.objects.filter(return_of=order).exists()
    assert overflow(page) == 0
    shot(page, "order-status-confirm-390")
    page.click("#confirm-status")
    page.wait_for_function("() => window.notReloaded === undefined")  # htmx sent the page back
    returned = Order.objects.get(return_of=order)
    assert (returned.status, returned.total) == ("returned", Decimal("350.00"))
    assert "350.00" in page.locator(f"#order-{order.pk}").inner_text()
    assert overflow(page) == 0
    shot(page, "customer-after-return-390")
