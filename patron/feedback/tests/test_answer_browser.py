"""Answering a survey from the e-mail's link, as the customer does, on a phone (390x844) and on
a desktop: one tap on the link ends with the score recorded (the link's page posts it by
itself), the page thanks them in their language, fits the window with controls big enough for a
finger, and takes a comment; the same tap in a browser without JavaScript shows one button that
sends the answer; a mis-tap is corrected from the same browser by tapping the right link."""

import re

import pytest

from patron.customers.tests.factories import make_customer
from patron.feedback import services
from patron.feedback.models import Survey
from patron.web.tests.test_phone_browser import CONTROLS, DESK, PHONE, TOO_SMALL, TOUCH, fit_problems

pytestmark = pytest.mark.browser


@pytest.fixture
def mailed(monkeypatch):
    """The bodies of the e-mails survey_send sends, as the customer receives them."""
    bodies = []
    original = services.mail_send

    def capture(**kwargs):
        bodies.append(kwargs["body"])
        return original(**kwargs)

    monkeypatch.setattr(services, "mail_send", capture)
    return bodies


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desktop"])
def test_answering_from_the_link(page, live_server, somchai, thai_shop, mailed, viewport, tmp_path):
    somsri = make_customer(somchai, "somsri")
    survey = services.survey_send(
        by=somchai, customer=somsri, kind="nps", reason="hand", root_url=live_server.url
    )
    links = dict(re.findall(r"^(\d+): (\S+)$", mailed[-1], re.M))
    assert len(links) == 11
    page.set_viewport_size(viewport)
    page.goto(links["9"])
    page.wait_for_selector("#comment")  # the link's page has posted the score by itself
    assert page.url == links["9"]
    assert page.locator("html").get_attribute("lang") == "th"
    assert page.locator("h1").is_visible()
    assert page.locator("nav").count() == 0  # no staff menu
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    if viewport == PHONE:
        assert page.evaluate(TOO_SMALL, [CONTROLS, TOUCH]) == []
    name = "phone" if viewport == PHONE else "desktop"
    page.screenshot(path=tmp_path / f"answer-{name}.png", full_page=True)  # kept by pytest, to look at
    survey.refresh_from_db()
    assert (survey.score, survey.band, survey.answer_actor_kind) == (9, "promoter", "customer")
    page.fill("#comment", "บริการดีมาก ส่งของไว")
    page.click("button[type=submit]")
    page.wait_for_selector("blockquote")
    survey.refresh_from_db()
    assert survey.comment == "บริการดีมาก ส่งของไว"
    page.goto(links["2"])  # a second tap, after the comment, changes nothing
    page.wait_for_selector("h1")
    survey.refresh_from_db()
    assert survey.score == 9
    assert Survey.objects.count() == 1


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desktop"])
def test_a_mis_tap_is_corrected_by_tapping_the_right_link(
    page, live_server, somchai, thai_shop, mailed, viewport
):
    somsri = make_customer(somchai, "somsri")
    survey = services.survey_send(
        by=somchai, customer=somsri, kind="csat", reason="hand", root_url=live_server.url
    )
    links = dict(re.findall(r"^(\d+): (\S+)$", mailed[-1], re.M))
    page.set_viewport_size(viewport)
    page.goto(links["1"])
    page.wait_for_selector("#correct-hint")
    page.goto(links["5"])
    page.wait_for_selector("#comment")
    survey.refresh_from_db()
    assert (survey.score, survey.band) == (5, "satisfied")


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desktop"])
def test_without_javascript_one_button_sends_the_answer(
    browser, live_server, somchai, thai_shop, mailed, viewport, tmp_path
):
    somsri = make_customer(somchai, "somsri")
    survey = services.survey_send(
        by=somchai, customer=somsri, kind="nps", reason="hand", root_url=live_server.url
    )
    links = dict(re.findall(r"^(\d+): (\S+)$", mailed[-1], re.M))
    context = browser.new_context(locale="th-TH", viewport=viewport, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(links["7"])
        assert page.locator("#chosen").inner_text() == "คุณเลือก 7 จาก 10"
        button = page.locator("#answer-form button")
        assert button.count() == 1 and button.is_visible()
        if viewport == PHONE:
            assert button.bounding_box()["height"] >= TOUCH  # big enough for a finger
        name = "phone" if viewport == PHONE else "desktop"
        page.screenshot(path=tmp_path / f"confirm-{name}.png", full_page=True)
        survey.refresh_from_db()
        assert survey.answered_at is None  # opening the link recorded nothing
        button.click()
        page.wait_for_selector("#comment")
        survey.refresh_from_db()
        assert (survey.score, survey.band, survey.answer_actor_kind) == (7, "passive", "customer")
    finally:
        context.close()


@pytest.mark.parametrize("language", ["en", "th", "vi", "tr", "fil"])
def test_the_panel_and_the_satisfaction_tab_fit_a_phone(
    page, live_server, somchai, thai_shop, language, tmp_path
):
    from django.urls import reverse

    from patron.accounts.services import profile_update
    from patron.feedback.models import FeedbackCategory
    from patron.feedback.services import feedback_record
    from patron.web.tests.browsing import log_in

    profile_update(user=somchai, language=language)
    somsri = make_customer(somchai, "somsri")
    services.survey_send(by=somchai, customer=somsri, kind="nps", reason="hand")
    category, _made = FeedbackCategory.objects.get_or_create(code="delivery")  # a flush takes the defaults
    feedback_record(by=somchai, customer=somsri, kind="complaint", category=category, text="กล่องบุบ " * 20)
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "somchai")
    problems = []
    paths = [
        reverse("customers:detail", args=[somsri.pk]),
        reverse("feedback:feedback_new", args=[somsri.pk]),
        reverse("feedback:satisfaction"),
        reverse("feedback:settings"),
    ]
    for path in paths:
        page.goto(live_server.url + path)
        problems += fit_problems(page, path)
        page.screenshot(path=tmp_path / f"{path.strip('/').replace('/', '-')}.png", full_page=True)
    page.goto(live_server.url + paths[0])
    page.locator("#feedback").screenshot(path=tmp_path / "panel.png")
    assert problems == [], "\n".join(problems)
