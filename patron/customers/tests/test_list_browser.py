"""The customer list on a 390 px phone, in a real browser: the first customer on the first screen
(the less-used filters and the bulk bar folded), its count, the bulk bar, choosing customers and
confirming a change with its count, in the Vietnamese marketer's language."""

import tempfile
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext, ngettext

from patron.customers.counting import Count
from patron.customers.models import Customer
from patron.customers.tests.factories import make_customer
from patron.customers.views import count_sentence
from patron.web.tests.browsing import log_in

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
SHOTS = Path(tempfile.gettempdir())  # looked at by hand, never kept


def overflow(page):
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_the_list_counts_and_changes_the_customers_chosen_on_a_phone(page, live_server, staff, thai_shop):
    somchai, lan = staff("somchai"), staff("lan")
    for i in range(3):
        make_customer(somchai, display_name=f"Somsri {i}", country="TH")
    make_customer(somchai, display_name="An", country="VN")
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "lan")  # lands on /customers/, no filter set
    # The filters beyond the search, tag, segment and order are folded, and so is the bulk bar:
    # the first customer shows on the first screen, with room to read it.
    assert page.locator("details.more-filters").get_attribute("open") is None
    assert not page.locator("#id_country").is_visible() and not page.locator("#bulk_action").is_visible()
    assert page.locator("#results tbody tr").first.bounding_box()["y"] + 200 < PHONE["height"]
    page.locator("input[name=ids]").first.check()  # choosing a customer opens the bar
    assert page.locator("#bulk_action").is_visible()

    page.goto(f"{live_server.url}/customers/?country=TH")
    with translation.override("vi"):
        assert page.locator("#list-count").inner_text() == count_sentence(Count(3, True))
        more = gettext("More filters")
        in_use = ngettext("%(count)s in use", "%(count)s in use", 1) % {"count": 1}
    # A folded filter is set: "More filters" is open and says how many.
    assert page.locator("details.more-filters").get_attribute("open") is not None
    assert page.locator(".more-filters summary").inner_text() == f"{more} ({in_use})"
    assert overflow(page) == 0
    page.click(".bulk-bar summary")
    for field in [
        "#bulk_action",
        "#bulk_tag",
        "#bulk_owner",
        "#bulk_scope",
        "#bulk-form button[type=submit]",
    ]:
        box = page.locator(field).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] and box["height"] >= 36, field
    page.screenshot(path=SHOTS / "customer-list-390.png", full_page=True)

    # The filter narrows in place; the count, the bar and the count of folded filters follow it.
    page.select_option("select[name=country]", "VN")
    page.wait_for_function("() => document.getElementById('list-count').innerText.includes('1')")
    page.select_option("#id_owner", "none")
    page.wait_for_function("() => document.getElementById('more-filters-set').innerText.includes('2')")
    page.goto(f"{live_server.url}/customers/?country=TH")
    boxes = page.locator("input[name=ids]")
    assert boxes.count() == 3
    boxes.nth(0).check()
    boxes.nth(2).check()
    page.select_option("#bulk_action", "tag_add")
    page.fill("#bulk_tag", "Khách VIP")
    page.click("#bulk-form button[type=submit]")
    question = page.locator("#bulk-question").inner_text()
    assert "Khách VIP" in question and "2" in question  # asked first, with the count
    assert overflow(page) == 0
    page.screenshot(path=SHOTS / "customer-bulk-confirm-390.png", full_page=True)
    assert not Customer.objects.filter(tags__name="Khách VIP").exists()
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"{live_server.url}/customers/?country=TH")
    assert page.locator(".messages").count() == 1
    tagged = Customer.objects.filter(tags__name="Khách VIP").values_list("display_name", flat=True)
    assert sorted(tagged) == ["Somsri 0", "Somsri 2"]  # the list is newest first

    # Every match, to the one who owns them now: the bar, folded while none is chosen, opens on a tap.
    page.click(".bulk-bar summary")
    page.select_option("#bulk_action", "owner")
    page.select_option("#bulk_owner", "lan")
    page.select_option("#bulk_scope", "all")
    page.click("#bulk-form button[type=submit]")
    assert "3" in page.locator("#bulk-question").inner_text()
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"{live_server.url}/customers/?country=TH")
    assert Customer.objects.filter(owner=lan).count() == 3
    page.click("a[href='/customers/?owner=lan']")  # My customers
    with translation.override("vi"):
        assert page.locator("#list-count").inner_text() == count_sentence(Count(3, True))
