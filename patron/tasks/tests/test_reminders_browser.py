"""A fired reminder's notice on a phone (390 px), in every language: on every page, never wider
than the window, its controls big enough for a finger; Dismiss takes it away; and the calendar
and follow-up rules pages fit too."""

from datetime import timedelta

import pytest
from django.utils import timezone

from patron.accounts.services import profile_update
from patron.customers.tests.factories import make_customer
from patron.tasks.models import ReminderNotice
from patron.tasks.reminders import reminders_fire_due
from patron.tasks.services import task_create
from patron.web.tests.browsing import log_in
from patron.web.tests.test_phone_browser import PHONE, fit_problems

pytestmark = pytest.mark.browser

TITLE = "โทรหาคุณสมศรีเรื่องคำสั่งซื้อชุดแต่งงานและการจัดส่งไปต่างจังหวัดก่อนสิ้นเดือนธันวาคม"


@pytest.mark.parametrize("language", ["en", "th", "vi", "tr", "fil"])
def test_a_notice_fits_a_phone_and_dismiss_takes_it_away(page, live_server, somchai, thai_shop, language):
    profile_update(user=somchai, language=language)
    customer = make_customer(somchai, "somsri")
    due = timezone.now() + timedelta(minutes=10)
    task_create(
        by=somchai, customer=customer, title=TITLE, due_at=due, assignee=somchai, remind_before_minutes=[15]
    )
    reminders_fire_due()  # (its job already fired it, the queue running jobs at once in tests)
    assert ReminderNotice.objects.count() == 1
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "somchai")
    problems = []
    for path in ["/customers/", "/tasks/feed/", "/tasks/rules/"]:
        page.goto(live_server.url + path)
        assert page.locator(".reminder-notices li").count() == 1, path
        problems += fit_problems(page, path)
    assert problems == [], "\n".join(problems)
    page.locator(".reminder-notices button").click()
    page.wait_for_url(live_server.url + "/tasks/rules/")
    assert page.locator(".reminder-notices").count() == 0
    assert ReminderNotice.objects.get().dismissed_at is not None
