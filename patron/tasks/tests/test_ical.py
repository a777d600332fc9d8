"""The calendar feed per user: a secret address serving the user's open tasks with their
reminders as alarms; a wrong or renewed-away token answers 404 and changes nothing."""

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from patron.customers.tests.factories import make_customer
from patron.tasks.ical import feed_renew, feed_token, feed_user
from patron.tasks.models import CalendarFeed
from patron.tasks.services import task_complete, task_create

pytestmark = pytest.mark.django_db

DUE = datetime(2030, 5, 1, 7, 0, tzinfo=UTC)


@pytest.fixture
def tasks(lan, emre, somchai, thai_shop):
    somsri = make_customer(somchai, "somsri")
    mine = task_create(
        by=lan,
        customer=somsri,
        title="Gọi lại cho chị Somsri",
        kind="call",
        notes="Hỏi về đơn hàng cưới",
        due_at=DUE,
        assignee=lan,
        remind_before_minutes=[15, 1440],
    )
    done = task_create(by=lan, customer=somsri, title="Đã xong", due_at=DUE, assignee=lan)
    task_complete(by=lan, task=done)
    task_create(by=lan, customer=somsri, title="Emre's", due_at=DUE, assignee=emre)
    return mine, somsri


def test_the_feed_holds_the_user_s_open_tasks_with_alarms(client, lan, tasks):
    mine, somsri = tasks
    token = feed_token(lan)
    response = client.get(f"/tasks/feed/{token}.ics")  # no login
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    assert str(event["summary"]) == "Gọi lại cho chị Somsri"
    assert event.decoded("dtstart") == DUE
    assert event.decoded("dtend") == DUE + timedelta(minutes=30)
    assert str(event["uid"]) == f"task-{mine.pk}@patron"
    # In her language, with the customer and the notes, and a link to the customer's page.
    assert f"Khách hàng: {somsri.display_name}" in str(event["description"])
    assert "Hỏi về đơn hàng cưới" in str(event["description"])
    assert str(event["url"]) == f"http://testserver/customers/{somsri.pk}/"
    triggers = sorted(alarm.decoded("trigger") for alarm in event.walk("VALARM"))
    assert triggers == [-timedelta(days=1), -timedelta(minutes=15)]


def test_the_token_is_kept_hashed_shown_again_and_a_new_one_kills_the_old(client, lan, emre, tasks):
    token = feed_token(lan)
    assert feed_token(lan) == token and len(token) >= 43
    stored = CalendarFeed.objects.get(user=lan)
    assert token not in (stored.nonce, stored.token_hash)
    assert feed_user(token) == lan and feed_user(feed_token(emre)) == emre
    new = feed_renew(lan)
    assert new != token and feed_user(new) == lan
    assert client.get(f"/tasks/feed/{token}.ics").status_code == 404
    assert client.get(f"/tasks/feed/{new}.ics").status_code == 200


def test_a_wrong_token_is_404_and_changes_nothing(client, lan, tasks, settings):
    token = feed_token(lan)
    before = list(CalendarFeed.objects.values_list("user", "nonce", "token_hash"))
    for wrong in [token[:-1] + ("A" if token[-1] != "A" else "B"), "x", "a" * 200]:
        assert client.get(f"/tasks/feed/{wrong}.ics").status_code == 404
    assert list(CalendarFeed.objects.values_list("user", "nonce", "token_hash")) == before
    # A new SECRET_KEY: the old address is dead, the page shows a new one that works.
    settings.SECRET_KEY = "another-secret-key-for-this-test-0123456789"
    assert client.get(f"/tasks/feed/{token}.ics").status_code == 404
    assert feed_user(feed_token(lan)) == lan


def test_a_closed_account_s_feed_is_404(client, lan, tasks):
    token = feed_token(lan)
    lan.is_active = False
    lan.save()
    assert client.get(f"/tasks/feed/{token}.ics").status_code == 404


def test_the_page_shows_the_address_and_makes_a_new_one(client, lan, tasks):
    client.force_login(lan)
    page = client.get("/tasks/feed/")
    assert page.status_code == 200
    token = feed_token(lan)
    assert f"http://testserver/tasks/feed/{token}.ics" in page.content.decode()
    assert f"webcal://testserver/tasks/feed/{token}.ics" in page.content.decode()
    response = client.post("/tasks/feed/")
    assert response.status_code == 302
    assert feed_user(token) is None and feed_user(feed_token(lan)) == lan
    client.logout()
    assert client.get("/tasks/feed/").status_code == 302  # to the login page
