"""Reminders fire once, in-app and by e-mail to the assignee, in their language and time zone,
against a real SMTP server (aiosmtpd); never for a task closed before they fall due."""

from datetime import UTC, datetime, timedelta

import pytest

from patron.accounts.models import UserProfile
from patron.customers.tests.factories import make_customer
from patron.outbox.models import Message
from patron.outbox.services import mail_deliver, mail_deliver_waiting
from patron.tasks.models import Reminder, ReminderNotice
from patron.tasks.reminders import notice_dismiss, notices_shown, reminder_fire, reminders_fire_due
from patron.tasks.services import task_cancel, task_complete, task_create, task_update

pytestmark = pytest.mark.django_db

DUE = datetime(2030, 5, 1, 7, 0, tzinfo=UTC)  # 14:00 in Ho Chi Minh City, 10:00 in Istanbul


@pytest.fixture
def somsri(somchai, thai_shop):
    return make_customer(somchai, "somsri")


def a_task(by, customer, assignee, offsets=(15, 60), **more):
    return task_create(
        by=by,
        customer=customer,
        title="Gọi lại cho chị Somsri",
        due_at=DUE,
        assignee=assignee,
        kind="call",
        remind_before_minutes=list(offsets),
        **more,
    )


def with_address(user, address):
    user.email = address
    user.save(update_fields=["email"])
    return user


def test_a_due_reminder_fires_once_in_app_and_by_mail(smtp_server, lan, somsri):
    with_address(lan, "lan@shop.example")
    task = a_task(lan, somsri, lan)
    # Not yet due: nothing.
    assert reminders_fire_due(now=DUE - timedelta(minutes=61)) == 0
    assert reminders_fire_due(now=DUE - timedelta(minutes=60)) == 1
    fired = Reminder.objects.get(minutes_before=60)
    assert fired.sent_at == DUE - timedelta(minutes=60)
    notice = ReminderNotice.objects.get()
    assert (notice.reminder, notice.user, notice.dismissed_at) == (fired, lan, None)
    message = fired.message
    assert (message.status, message.to, message.purpose, message.language) == (
        "queued",
        "lan@shop.example",
        "reminder",
        "vi",
    )
    # Again, and the reminder directly: nothing more.
    assert reminders_fire_due(now=DUE - timedelta(minutes=60)) == 0
    assert reminder_fire(fired.pk, now=DUE) is None
    assert (ReminderNotice.objects.count(), Message.objects.count()) == (1, 1)

    assert mail_deliver(message.pk).status == "sent"
    assert mail_deliver(message.pk) is None  # sent: not again
    [received] = smtp_server.messages
    assert received["Message-ID"] == message.message_id
    assert received["To"] == "lan@shop.example"
    assert "Gọi lại cho chị Somsri" in received["Subject"]
    body = received.get_content()
    # Vietnamese, the customer named, the due time in her zone (14:00 in Ho Chi Minh City).
    assert "Nhắc việc: Gọi lại cho chị Somsri" in body
    assert f"Khách hàng: {somsri.display_name}" in body
    assert "14:00" in body and "Asia/Ho_Chi_Minh" in body
    assert task.pk == fired.task_id


def test_without_a_language_or_zone_of_their_own_the_workspace_s(smtp_server, emre, somsri):
    with_address(emre, "emre@shop.example")
    UserProfile.objects.filter(user=emre).update(language="", time_zone="")
    a_task(emre, somsri, emre, offsets=[0])
    reminders_fire_due(now=DUE)
    assert mail_deliver_waiting() == 1
    [received] = smtp_server.messages
    body = received.get_content()
    # The Thai shop's: Thai, Bangkok's 14:00, the Buddhist era (2573).
    assert "Asia/Bangkok" in body and "14:00" in body and "2573" in body
    assert Message.objects.get().language == "th"


def test_in_turkish_in_istanbul(smtp_server, emre, somsri):
    with_address(emre, "emre@shop.example")
    a_task(emre, somsri, emre, offsets=[0])
    reminders_fire_due(now=DUE)
    mail_deliver_waiting()
    body = smtp_server.messages[0].get_content()
    assert "Müşteri:" in body and "10:00" in body and "Europe/Istanbul" in body


@pytest.mark.parametrize("close", ["complete", "cancel"])
def test_a_reminder_of_a_task_closed_before_it_fires_is_never_sent(close, lan, somsri):
    with_address(lan, "lan@shop.example")
    task = a_task(lan, somsri, lan)
    reminders_fire_due(now=DUE - timedelta(minutes=60))  # the first one went
    (task_complete if close == "complete" else task_cancel)(by=lan, task=task)
    assert reminders_fire_due(now=DUE + timedelta(days=1)) == 0
    assert list(Reminder.objects.values_list("minutes_before", flat=True)) == [60]
    assert ReminderNotice.objects.count() == Message.objects.count() == 1
    # The notice of the closed task is no longer shown.
    assert notices_shown(lan) == []


def test_a_moved_due_time_fires_at_the_new_time_only(lan, somsri):
    task = a_task(lan, somsri, lan, offsets=[0])
    task_update(by=lan, task=task, due_at=DUE + timedelta(hours=2))
    assert reminders_fire_due(now=DUE) == 0
    assert reminders_fire_due(now=DUE + timedelta(hours=2)) == 1


def test_without_an_address_only_the_notice_and_without_a_server_the_outbox(lan, emre, somsri):
    a_task(lan, somsri, lan, offsets=[0])  # lan has no address
    with_address(emre, "emre@shop.example")
    a_task(lan, somsri, emre, offsets=[0])
    assert reminders_fire_due(now=DUE) == 2
    assert ReminderNotice.objects.count() == 2
    # No PATRON_EMAIL_URL in the tests: kept in the outbox, never sent.
    assert list(Message.objects.values_list("to", "status")) == [("emre@shop.example", "outbox")]
    assert mail_deliver_waiting() == 0


def test_notices_show_to_their_user_until_dismissed(lan, emre, somsri):
    a_task(lan, somsri, lan, offsets=[0, 30])
    reminders_fire_due(now=DUE)
    shown = notices_shown(lan)
    assert len(shown) == 2 and notices_shown(emre) == []
    assert notice_dismiss(by=emre, notice_id=shown[0].pk) is False  # not his
    assert notice_dismiss(by=lan, notice_id=shown[0].pk) is True
    assert notice_dismiss(by=lan, notice_id=shown[0].pk) is False  # once
    assert notices_shown(lan) == [shown[1]]


def test_an_assignee_whose_account_was_closed_gets_nothing(lan, emre, somsri):
    with_address(emre, "emre@shop.example")
    a_task(lan, somsri, emre, offsets=[0])
    emre.is_active = False
    emre.save()
    assert reminders_fire_due(now=DUE) == 1
    assert Reminder.objects.get().sent_at == DUE
    assert not ReminderNotice.objects.exists() and not Message.objects.exists()


def test_every_page_shows_the_reader_s_notices_and_dismiss_takes_one_away(client, lan, emre, somsri):
    a_task(lan, somsri, lan, offsets=[0])
    reminders_fire_due(now=DUE)
    client.force_login(lan)
    page = client.get("/customers/").content.decode()
    assert "Gọi lại cho chị Somsri" in page and f"/customers/{somsri.pk}/" in page
    notice = ReminderNotice.objects.get()
    # Another's notice is not theirs to dismiss, and a foreign "next" goes home.
    client.force_login(emre)
    assert "Gọi lại cho chị Somsri" not in client.get("/customers/").content.decode()
    client.post(f"/tasks/notices/{notice.pk}/dismiss/", {"next": "/customers/"})
    notice.refresh_from_db()
    assert notice.dismissed_at is None
    client.force_login(lan)
    response = client.post(f"/tasks/notices/{notice.pk}/dismiss/", {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"
    notice.refresh_from_db()
    assert notice.dismissed_at is not None
    assert "Gọi lại cho chị Somsri" not in client.get("/customers/").content.decode()
    assert client.get(f"/tasks/notices/{notice.pk}/dismiss/").status_code == 405
