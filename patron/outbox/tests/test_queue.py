"""mail_queue and mail_deliver against a real SMTP server: a queued message is sent once, a claim
is taken by one sender, a message left handed over goes again as the same message once its claim
ran out, a sender whose claim was taken over drops the connection before the final dot (the
server keeps nothing), and a temporary refusal is tried again later."""

from datetime import timedelta

import pytest
from django.utils import timezone

from patron.actors import Actor
from patron.outbox import services
from patron.outbox.models import Message
from patron.outbox.services import mail_deliver, mail_deliver_waiting, mail_queue

pytestmark = pytest.mark.django_db

BY = Actor.system(job="reminders")


def queued(**more):
    return mail_queue(
        to="lan@shop.example", subject="Nhắc việc", body="Gọi lại\n.\nhết", by=BY, purpose="reminder", **more
    )


def test_a_queued_message_is_sent_once_with_its_message_id(smtp_server):
    message = queued(language="vi")
    assert (message.status, message.attempts) == ("queued", 0) and message.message_id.startswith("<")
    sent = mail_deliver(message.pk)
    assert (sent.status, sent.reply, sent.attempts, sent.next_attempt_at) == (
        "sent",
        "250 Message accepted",
        1,
        None,
    )
    assert mail_deliver(message.pk) is None
    assert mail_deliver_waiting() == 0
    [received] = smtp_server.messages
    assert received["Message-ID"] == message.message_id
    # A line of a single dot went through, dot-stuffed, as the text it was.
    assert received.get_content().replace("\r\n", "\n") == "Gọi lại\n.\nhết\n"


def test_without_a_server_it_stays_in_the_outbox():
    message = queued()
    assert message.status == "outbox" and mail_deliver(message.pk) is None


def test_a_header_with_a_line_break_is_refused_before_anything_is_recorded(smtp_server):
    with pytest.raises(ValueError):
        mail_queue(to="lan@shop.example", subject="a\nBcc: x@y.z", body="", by=BY, purpose="reminder")
    assert not Message.objects.exists()


def test_a_claim_that_ran_out_is_taken_up_and_one_running_is_not(smtp_server):
    message = queued()
    Message.objects.filter(pk=message.pk).update(
        status="sending", attempts=1, next_attempt_at=timezone.now() + timedelta(seconds=60)
    )
    assert mail_deliver(message.pk) is None and mail_deliver_waiting() == 0  # someone is on it
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert mail_deliver_waiting() == 1  # they stopped: sent now
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)
    assert len(smtp_server.messages) == 1


def test_a_message_left_handed_over_goes_again_with_its_message_id_once_the_claim_ran_out(smtp_server):
    """Its worker stopped between handing it over and recording the answer: the server may or may
    not have it, so it goes again (never lost), as the same message."""
    message = queued()
    Message.objects.filter(pk=message.pk).update(
        status="handed", attempts=1, next_attempt_at=timezone.now() + timedelta(seconds=60)
    )
    assert mail_deliver(message.pk) is None and mail_deliver_waiting() == 0  # its claim holds
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert mail_deliver_waiting() == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)
    [received] = smtp_server.messages
    assert received["Message-ID"] == message.message_id


def test_a_sender_whose_claim_was_taken_over_leaves_nothing_at_the_server(smtp_server, monkeypatch):
    """The first sender is slow: its claim runs out and another takes the message before the
    first reaches the final dot. The first then finds its claim gone and drops the connection."""
    real = services.smtp_send

    def slow(*, before_end, **kwargs):
        def taken_over_meanwhile():
            Message.objects.update(attempts=2)  # another sender's claim
            return before_end()

        return real(before_end=taken_over_meanwhile, **kwargs)

    monkeypatch.setattr(services, "smtp_send", slow)
    message = queued()
    assert mail_deliver(message.pk) is None
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sending", 2)  # the other sender's
    assert smtp_server.messages == []


async def _busy(server, session, envelope):
    return "451 4.3.0 Try again later"


async def _spam(server, session, envelope):
    return "554 5.7.1 Message rejected as spam"


def test_a_temporary_refusal_is_tried_again_later_and_a_permanent_one_fails(smtp_server):
    smtp_server.handle_DATA = _busy
    message = mail_deliver(queued().pk)
    assert (message.status, message.reply, message.attempts) == ("queued", "451 4.3.0 Try again later", 1)
    assert message.next_attempt_at > timezone.now() + timedelta(seconds=100)  # two minutes on
    assert mail_deliver(message.pk) is None  # not yet
    smtp_server.handle_DATA = _spam
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    message = mail_deliver(message.pk)
    assert (message.status, message.reply, message.attempts) == (
        "failed",
        "554 5.7.1 Message rejected as spam",
        2,
    )
    assert mail_deliver_waiting() == 0


def test_the_last_attempt_fails_for_good(smtp_server):
    smtp_server.handle_DATA = _busy
    message = queued()
    Message.objects.filter(pk=message.pk).update(attempts=services.ATTEMPTS - 1)
    assert mail_deliver(message.pk).status == "failed"


def test_a_connection_lost_after_the_final_dot_is_tried_again(smtp_server, monkeypatch):
    """The server had the whole message and no answer came: it goes again later, the same message."""

    def dot_then_silence(*, before_end, **kwargs):
        assert before_end()
        raise services.Refused("Connection unexpectedly closed")

    monkeypatch.setattr(services, "smtp_send", dot_then_silence)
    message = mail_deliver(queued().pk)
    assert (message.status, message.reply, message.attempts) == (
        "queued",
        "Connection unexpectedly closed",
        1,
    )
    assert message.next_attempt_at > timezone.now()


def test_a_server_not_reached_is_tried_again(smtp_server, monkeypatch):
    def unreachable(**kwargs):
        raise services.Refused("[Errno 111] Connection refused")

    monkeypatch.setattr(services, "smtp_send", unreachable)
    message = mail_deliver(queued().pk)
    assert (message.status, message.attempts) == ("queued", 1)
