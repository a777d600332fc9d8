"""The home page in a real browser, on a 390 px phone and on a desktop: nothing runs off the
screen, the charts are drawn under the Content-Security-Policy, and a figure leads to its customers."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from patron.home.tests.shop import customer, order
from patron.jobs.models import FailedJob
from patron.scoring.models import Segment
from patron.scoring.tests.factories import make_run, make_score
from patron.web.tests.browsing import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def busy_shop(thai_shop, staff):
    staff("somchai")
    staff("maria")
    now = timezone.now()
    run = make_run()
    for i in range(12):
        who = customer(f"ลูกค้าที่มีชื่อยาวมากจริงๆ คนที่ {i}")
        order(who, now - timedelta(days=30 * i), f"{1000 + 250 * i}.00")
        order(who, now - timedelta(days=400 + i), "99999999.99")
        make_score(
            who,
            run,
            churn_risk=0.8 if i % 3 == 0 else 0.2,
            clv=Decimal("123456789.50"),
            segment=Segment.values[i % 11],
        )
    FailedJob.objects.create(
        task_id="t1", name="imports.jobs.run_execute_with_a_long_name_that_does_not_break", error="boom"
    )


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("username", ["somchai", "maria"])
def test_home_fits_the_screen_and_leads_to_its_lists(page, live_server, busy_shop, width, username):
    page.set_viewport_size({"width": width, "height": 900})
    refused = []
    page.on(
        "console", lambda message: "Content Security Policy" in message.text and refused.append(message.text)
    )
    log_in(page, live_server, username)
    page.click("header .brand")  # the brand leads home, at every width
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("#fig-revenue").is_visible()
    assert page.locator("#revenue svg rect").count() == 13
    assert page.locator("#segments tbody tr").count() == 11
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") == 0
    assert refused == []  # the charts need no inline style or script
    page.click("#fig-active")
    page.wait_for_url(f"{live_server.url}/customers/?bought=12m")
    assert page.get_by_text("คนที่ 11").count() == 1
