""" "My day" in a browser, on a phone (390x844) and on a desk (1280x800): the three groups and
the customers to contact fit the window in every language, every control is big enough for a
finger on the phone, and a task is completed in place (htmx), with and without a note."""

import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from patron.accounts.services import profile_update
from patron.customers.tests.factories import make_customer
from patron.interactions.models import Interaction
from patron.scoring.tests.factories import make_run, make_score
from patron.tasks.models import Task
from patron.tasks.selectors import day_bounds
from patron.tasks.services import task_create
from patron.web.tests.browsing import log_in
from patron.web.tests.test_phone_browser import CONTROLS, DESK, PHONE, TOO_SMALL, TOUCH

pytestmark = pytest.mark.browser

SIZES = {"phone": PHONE, "desk": DESK}


@pytest.fixture
def shots(tmp_path):
    """Where the screenshots go, to look at (never kept in the repository): $PATRON_SHOTS, if set."""
    return Path(os.environ.get("PATRON_SHOTS") or tmp_path)


@pytest.fixture
def day(lan, somchai, thai_shop):
    """lan's day: an overdue call with long notes, a visit later today, an e-mail tomorrow, and
    two customers of hers with value at risk."""
    somsri = make_customer(somchai, "somsri")
    shop = make_customer(somchai, display_name="Công ty TNHH Thương mại Dịch vụ Hoa Sen Vàng Sài Gòn")
    _start, tomorrow = day_bounds(lan)
    now = timezone.now()
    tasks = {
        "overdue": task_create(
            by=lan,
            customer=somsri,
            title="โทรหาคุณสมศรีเรื่องคำสั่งซื้อข้าวหอมมะลิสำหรับงานแต่งงาน",
            due_at=now - timedelta(days=1),
            assignee=lan,
            kind="call",
            notes="ลูกค้าต้องการข้าว 20 กระสอบ ส่งก่อนวันที่ 15 https://shop.example/orders/" + "a1b2" * 12,
        ),
        "today": task_create(
            by=lan,
            customer=shop,
            title="Gặp chị Lan về đơn hàng Tết",
            due_at=max(now + timedelta(minutes=2), tomorrow - timedelta(minutes=1)),
            assignee=lan,
            kind="visit",
        ),
        "upcoming": task_create(
            by=lan,
            customer=somsri,
            title="E-mail the quote",
            due_at=tomorrow + timedelta(hours=10),
            assignee=lan,
        ),
    }
    run = make_run()
    for customer, risk in ((somsri, "12000"), (shop, "4500")):
        customer.owner = lan
        customer.save()
        make_score(
            customer,
            run,
            purchases=6,
            first_purchase=now - timedelta(weeks=24),
            last_purchase=now - timedelta(weeks=9),
            value_at_risk=Decimal(risk),
            value_decile=1,
            churn_risk=0.8,
        )
    return tasks


def problems_on(page, where, *, phone):
    found = []
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 0:
        found.append(f"{where}: {overflow} px wider than the window")
    if phone:
        found += [
            f"{where}: {control} is {height} px tall"
            for control, height in page.evaluate(TOO_SMALL, [CONTROLS, TOUCH])
        ]
    return found


@pytest.mark.parametrize("size", SIZES)
def test_my_day_fits_in_every_language(page, live_server, lan, day, size):
    page.set_viewport_size(SIZES[size])
    log_in(page, live_server, "lan")
    problems = []
    for language in ["en", "th", "vi", "tr", "fil"]:
        profile_update(user=lan, language=language)
        page.goto(live_server.url + reverse("tasks:my_day"))
        assert page.locator("html").get_attribute("lang") == language
        page.locator("#group-overdue a.note").first.click()  # a form opened in its row
        page.locator("#group-overdue textarea[name=note]").wait_for()
        problems += problems_on(page, f"{language} /tasks/", phone=size == "phone")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("size", SIZES)
def test_complete_a_task_in_place(page, live_server, lan, day, size, shots):
    profile_update(user=lan, language="en")
    page.set_viewport_size(SIZES[size])
    log_in(page, live_server, "lan")
    page.goto(live_server.url + reverse("tasks:my_day"))
    overdue, today = day["overdue"], day["today"]
    for group, task in (("overdue", overdue), ("today", today), ("upcoming", day["upcoming"])):
        assert page.locator(f"#group-{group} #task-{task.pk}").is_visible()
    assert page.locator("#contacts-list tbody tr").count() == 2
    assert "nothing for 9 weeks" in page.locator("#contacts-list").inner_text()
    page.screenshot(path=shots / f"my-day-{size}.png", full_page=True)

    page.locator(f"#task-{overdue.pk} button.complete").click()
    page.locator(f"#task-{overdue.pk} [role=status]").wait_for()
    assert page.locator(f"#task-{overdue.pk}").inner_text().count("Done.") == 1
    assert Task.objects.get(pk=overdue.pk).status == "done"

    page.locator(f"#task-{today.pk} a.note").click()
    page.fill(f"#task-{today.pk}-note", "Chị Lan đặt 50 hộp bánh")
    page.locator(f"#task-{today.pk} button.complete-with-note").click()
    page.locator(f"#task-{today.pk} [role=status]").wait_for()
    page.screenshot(path=shots / f"my-day-{size}-done.png", full_page=True)
    task = Task.objects.get(pk=today.pk)
    assert task.status == "done"
    assert Interaction.objects.get(pk=task.interaction_id).body == "Chị Lan đặt 50 hộp bánh"

    page.reload()  # the day again: both gone from it
    assert page.locator(f"#task-{overdue.pk}").count() == 0 and page.locator(f"#task-{today.pk}").count() == 0
    assert problems_on(page, "/tasks/ after", phone=size == "phone") == []


def test_snooze_tomorrow_morning_in_place(page, live_server, lan, day):
    profile_update(user=lan, language="en")
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "lan")
    page.goto(live_server.url + reverse("tasks:my_day"))
    task = day["overdue"]
    page.locator(f"#task-{task.pk} a.snooze").click()
    page.locator(f"#task-{task.pk} button[value=tomorrow]").click()
    page.locator(f"#task-{task.pk} [role=status]").wait_for()
    _start, tomorrow = day_bounds(lan)
    assert Task.objects.get(pk=task.pk).due_at == tomorrow + timedelta(hours=9)
