"""The level panel, an organisation's level page and the playbooks page on a phone (390 px), in
every language: never wider than the window, every control big enough for a finger; and a level
set from the phone in one click on the suggestion."""

import pytest
from django.urls import reverse

from patron.accounts.services import profile_update
from patron.customers.tests.factories import make_customer
from patron.organisations.services import organisation_create
from patron.relationships.models import LevelChange
from patron.relationships.services import level_set
from patron.relationships.tests.helpers import bought
from patron.web.tests.browsing import log_in
from patron.web.tests.test_phone_browser import PHONE, fit_problems

pytestmark = pytest.mark.browser


@pytest.fixture
def scene(somchai, thai_shop):
    somsri = make_customer(somchai, "somsri")
    bought(somchai, somsri, days_ago=3)
    level_set(
        by=somchai,
        customer=somsri,
        level="basic",
        reason="ซื้อชุดเครื่องปรับอากาศพร้อมแผนบริการรายปีที่สาขาเชียงใหม่ " * 3,
    )
    supplier = organisation_create(by=somchai, name="บริษัท เชียงใหม่ ผ้าไหม จำกัด (มหาชน)", kind="supplier")
    return somsri, supplier


@pytest.mark.parametrize("language", ["en", "th", "vi", "tr", "fil"])
def test_the_level_pages_fit_a_phone(page, live_server, somchai, scene, language):
    somsri, supplier = scene
    profile_update(user=somchai, language=language)
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "somchai")
    problems = []
    paths = [
        reverse("customers:detail", args=[somsri.pk]),
        reverse("relationships:organisation", args=[supplier.pk]),
        reverse("relationships:playbooks"),
    ]
    for path in paths:
        page.goto(live_server.url + path)
        for summary in page.locator("details > summary").all():
            summary.click()  # the forms and histories folded away count too
        problems += fit_problems(page, path)
    assert problems == [], "\n".join(problems)


def test_a_level_set_on_a_phone_from_the_suggestion(page, live_server, somchai, emre, thai_shop):
    juan = make_customer(somchai, "juan")
    bought(somchai, juan, days_ago=3)
    profile_update(user=emre, language="en")
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "emre")
    page.goto(live_server.url + reverse("customers:detail", args=[juan.pk]))
    panel = page.locator("section[aria-labelledby=level-h]")
    assert "No level yet." in panel.inner_text()
    panel.get_by_role("button", name="Set to Basic").click()
    page.wait_for_load_state()
    assert "Bought once." in page.locator("section[aria-labelledby=level-h]").inner_text()
    change = LevelChange.objects.get()
    assert (change.level, change.set_by, change.suggested) == ("basic", emre, True)


def test_an_admin_adds_a_step_on_a_desktop(page, live_server, somchai, thai_shop):
    from patron.relationships.models import PlaybookEdit, Step

    profile_update(user=somchai, language="en")
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "somchai")
    page.goto(live_server.url + reverse("relationships:playbooks"))
    section = page.locator("#level-proactive")
    section.locator("summary", has_text="Add a step").click()
    section.get_by_label("When").select_option("every")
    section.get_by_label("Days").fill("90")
    section.get_by_label("Action").select_option("task")
    section.get_by_label("Task kind").select_option("meeting")
    section.get_by_label("Task title").fill("Co-design session")
    section.get_by_label("Reminders (minutes before, comma-separated)").fill("1440")
    section.get_by_role("button", name="Add step").click()
    page.wait_for_load_state()
    assert (
        "every 90 days at the level: a task (Meeting) for the owner: Co-design session"
        in page.locator("#level-proactive").inner_text()
    )
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    step = Step.objects.get(title="Co-design session")
    assert (step.level, step.trigger, step.days, step.remind_before_minutes) == (
        "proactive",
        "every",
        90,
        [1440],
    )
    assert PlaybookEdit.objects.get().by == somchai
