"""The preview on a phone (390 px): each cell with how it will be read, the check before an orders
import, then the import."""

import pytest

from patron.sales.models import Order
from patron.web.tests.browsing import log_in

pytestmark = pytest.mark.browser

ORDERS = (
    "order_id,customer_id,date,total,phone\n"
    "S1,C1,05/03/2567,฿350,081 234 5678\n"
    'S2,C1,31/02/2567,"฿1,200.50",12\n'
    "S3,C9,14/03/2567,฿99,\n"
)


@pytest.mark.parametrize("width", [390, 1280])
def test_the_preview_reads_each_cell_and_the_check_says_what_would_be_rejected(
    page, live_server, staff, thai_shop, tmp_path, settings, width
):
    from patron.customers.services import CustomerData, customer_create

    settings.DATA_DIR = tmp_path / "data"  # the live server runs in this process
    somchai = staff("somchai")  # Thai: dates in the Buddhist era
    customer_create(data=CustomerData(display_name="Somsri", external_ids=[("pos", "C1")]), by=somchai)
    export = tmp_path / "orders.csv"
    export.write_text(ORDERS, encoding="utf-8")
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, "somchai")
    page.goto(f"{live_server.url}/imports/")
    page.select_option("#id_kind", "orders")
    page.set_input_files("#id_file", str(export))
    page.fill("#id_source", "pos")
    page.select_option("#id_country", "TH")
    page.click("#upload")

    page.locator("#preview").wait_for()
    body = page.locator("#preview tbody")
    first = body.locator("tr").nth(0)
    assert "฿350.00" in first.inner_text() and "+66812345678" in first.inner_text()
    assert "2567" in first.locator("td").nth(2).locator(".reading").inner_text()
    assert "31/02/2567" in body.locator("tr").nth(1).locator(".reading.cannot").first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") == 0
    page.screenshot(path=tmp_path / f"preview-{width}.png", full_page=True)

    page.click("#start-import")
    page.locator("#check").wait_for()
    assert "2" in page.locator("#check-rejected").inner_text()  # row 3 and the unknown C9
    assert page.locator(".check-reason").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") == 0
    page.screenshot(path=tmp_path / f"check-{width}.png", full_page=True)
    assert not Order.objects.exists()

    page.click("#start-import")
    page.locator("#summary").wait_for()
    assert page.locator("#rejected-count").inner_text() == "2"
    assert list(Order.objects.values_list("external_id", flat=True)) == ["S1"]
