"""The mail pages on a phone (390 px), in every language: never wider than the window, every
control big enough for a finger; the People page that links to them too."""

import pytest
from django.urls import reverse

from patron.accounts.services import profile_update
from patron.outbox.models import Message
from patron.outbox.services import mail_send
from patron.web.tests.browsing import log_in
from patron.web.tests.test_phone_browser import PHONE, fit_problems

pytestmark = pytest.mark.browser

LONG_LINK = "https://shop.example/loyalty/points/" + "a1b2c3d4" * 12


@pytest.fixture
def mail(somchai):
    """A message of each status, with a long address, subject and an unbroken link in its text."""
    made = []
    for status in Message.Status.values:
        message = mail_send(
            to="somsri.jaidee.wholesale.orders@example-rice-trading-company.co.th",
            subject="คะแนนสะสมของคุณจะหมดอายุในวันที่ 31 ธันวาคม — อย่าลืมใช้ก่อนนะคะ",
            body=f"สวัสดีค่ะ คุณสมศรี\n\n{LONG_LINK}\n",
            by=somchai,
            purpose="reminder",
        )
        Message.objects.filter(pk=message.pk).update(
            status=status, reply="550 5.1.1 <somsri.jaidee@x>: unknown"
        )
        made.append(message)
    return made


@pytest.mark.parametrize("language", ["en", "th", "vi", "tr", "fil"])
def test_the_mail_pages_fit_a_phone(page, live_server, somchai, mail, language):
    profile_update(user=somchai, language=language)
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "somchai")
    problems = []
    paths = [
        reverse("accounts:people"),
        reverse("outbox:list"),
        reverse("outbox:list") + "?status=failed",
        reverse("outbox:detail", args=[mail[0].pk]),
    ]
    for path in paths:
        page.goto(live_server.url + path)
        assert page.locator("html").get_attribute("lang") == language
        problems += fit_problems(page, path)
    assert problems == [], "\n".join(problems)
