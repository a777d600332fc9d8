"""Reviewing possible duplicates in a real browser, as the Vietnamese marketer does."""

import pytest

from patron.customers.models import Customer
from patron.duplicates.models import DuplicatePair, Merge, PairStatus
from patron.duplicates.tests.factories import an_at_the_shop, an_on_the_web, an_twice, make_pair, totals
from patron.web.tests.browsing import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def an(staff, thai_shop):
    staff("lan")
    return an_twice(staff("somchai"))


@pytest.fixture
def pair(an):
    return make_pair(*an, score="0.930", evidence={"name": 0.9, "email": 1.0})


def test_marketer_merges_a_pair_picking_a_name_then_undoes_it(page, live_server, an, pair):
    shop, web = an
    before = {"shop": totals(shop), "web": totals(web)}
    log_in(page, live_server, "lan")
    page.click("#nav-duplicates")
    page.click(f"#review-{pair.pk}")
    page.wait_for_url(f"{live_server.url}/duplicates/{pair.pk}/")
    assert page.locator("#left-customer").inner_text() == "Nguyễn Văn An"
    assert page.locator("#right-customer").inner_text() == "Nguyen Van An"
    assert page.is_checked("#id_survivor_1")  # the web record has more orders
    page.check("#id_survivor_0")
    page.check("#choice-display_name_1")
    page.click("#merge")
    page.locator("#merged-message").wait_for()
    merge = Merge.objects.get()
    assert (merge.survivor_id, merge.merged_id) == (shop.pk, web.pk)
    assert Customer.objects.get(pk=shop.pk).display_name == "Nguyen Van An"
    assert totals(shop)["orders"] == 5 and totals(web)["orders"] == 0
    assert page.locator(f"#pair-{pair.pk}").count() == 0

    page.click("#undo-merge")
    page.locator(f"#merge-{merge.pk}").wait_for()
    assert page.locator(f"#undo-{merge.pk}").count() == 0
    assert {"shop": totals(shop), "web": totals(web)} == before
    assert Customer.objects.get(pk=shop.pk).display_name == "Nguyễn Văn An"
    pair.refresh_from_db()
    assert pair.status == PairStatus.OPEN


def test_not_the_same_takes_the_pair_off_the_list(page, live_server, an, pair):
    log_in(page, live_server, "lan")
    page.goto(f"{live_server.url}/duplicates/{pair.pk}/")
    page.click("#dismiss")
    page.wait_for_url(f"{live_server.url}/duplicates/")
    assert page.locator(f"#pair-{pair.pk}").count() == 0
    pair.refresh_from_db()
    assert pair.status == PairStatus.DISMISSED


def test_find_duplicates_proposes_a_customer_typed_in_twice(page, live_server, staff, thai_shop):
    somchai = staff("somchai")
    staff("lan")
    first, second = an_at_the_shop(somchai), an_on_the_web(somchai)
    log_in(page, live_server, "lan")
    page.goto(f"{live_server.url}/duplicates/")
    assert page.locator("#pairs tbody tr[id^=pair-]").count() == 0
    page.click("#find-duplicates")
    page.wait_for_url(f"{live_server.url}/duplicates/")
    pair = DuplicatePair.objects.get(left=first, right=second)
    page.locator(f"#pair-{pair.pk}").wait_for()
    page.click(f"#review-{pair.pk}")
    assert page.locator("#right-customer").inner_text() == "Nguyen Van An"
