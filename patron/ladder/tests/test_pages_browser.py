"""The ladder's pages on a phone (390 px) and a desktop, in every language: never wider than
the window, every control big enough for a finger on the phone; recording evidence by hand on
the customer page places the customer."""

import pytest
from django.urls import reverse

from patron.accounts.services import profile_update
from patron.customers.tests.factories import make_customer
from patron.ladder import derivation
from patron.ladder.models import Stage, Standing
from patron.ladder.tests.test_derivation import NOW, orders
from patron.web.tests.browsing import log_in
from patron.web.tests.test_phone_browser import PHONE, fit_problems

pytestmark = pytest.mark.browser


@pytest.fixture
def shop(somchai, thai_shop):
    an = make_customer(somchai, "nguyen_van_an")
    orders(an, 20)
    somsri = make_customer(somchai, "somsri")
    derivation.derive_all(now=NOW)
    return {"an": an, "somsri": somsri}


@pytest.mark.parametrize("language", ["en", "th", "vi", "tr", "fil"])
def test_the_ladder_pages_fit_a_phone(page, live_server, somchai, shop, language):
    profile_update(user=somchai, language=language)
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "somchai")
    problems = []
    paths = [
        reverse("ladder:ladder"),
        reverse("ladder:ladder") + "?from=client",
        reverse("ladder:rules"),
        reverse("customers:detail", args=[shop["an"].pk]),
    ]
    for path in paths:
        page.goto(live_server.url + path)
        assert page.locator("html").get_attribute("lang") == language
        for summary in page.locator("details > summary").all():
            summary.click()  # the rules' and evidence's forms open
        problems += fit_problems(page, path)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("size", [PHONE, {"width": 1280, "height": 800}], ids=["phone", "desktop"])
def test_recording_a_contract_by_hand_makes_a_partner(page, live_server, somchai, shop, size):
    page.set_viewport_size(size)
    log_in(page, live_server, "somchai")
    profile_update(user=somchai, language="en")
    page.goto(live_server.url + reverse("customers:detail", args=[shop["somsri"].pk]))
    assert page.locator("#ladder-stage").get_attribute("data-stage") == "prospect"
    page.locator("#ladder-panel summary").click()
    page.select_option("#hand-evidence select[name=kind]", "contract")
    page.fill("#hand-evidence input[name=day]", NOW.date().isoformat())
    with page.expect_navigation():
        page.click("#save-evidence")
    assert page.locator("#ladder-stage").get_attribute("data-stage") == "partner"
    assert Standing.objects.get(customer=shop["somsri"]).stage == Stage.PARTNER
