"""mail_send: every message recorded, then given to a real SMTP server (aiosmtpd, over TLS) with
its answer kept; refused or unreachable, recorded as failed; with no server, kept in the outbox."""

import re
import socket

import pytest
from django.urls import reverse

from patron.accounts.roles import MARKETER
from patron.accounts.tests.smtp import configure, start_server
from patron.actors import Actor
from patron.customers.tests.factories import make_customer
from patron.outbox.models import Message
from patron.outbox.services import MailNotSent, mail_render, mail_send

pytestmark = pytest.mark.django_db

SUBJECT = "ขอบคุณที่อุดหนุน"  # "Thank you for your custom", in Thai


@pytest.fixture
def server(certificate, monkeypatch, settings, request):
    """A started server (STARTTLS, or smtps with param True), the settings pointed at it."""
    controller, inbox, url = start_server(
        certificate, monkeypatch, implicit_tls=getattr(request, "param", False)
    )
    configure(settings, url)
    yield inbox
    controller.stop()


def send(by, to="somsri@example.co.th", **options):
    return mail_send(
        to=to, subject=SUBJECT, body="สวัสดีค่ะ\nhttps://shop.example/x", by=by, purpose="thanks", **options
    )


@pytest.mark.parametrize("server", [False, True], ids=["starttls", "smtps"], indirect=True)
def test_a_message_is_sent_and_the_server_s_answer_recorded(server, somchai):
    customer = make_customer(somchai, "somsri")
    message = send(somchai, customer=customer, language="th")
    [received] = server.messages
    assert (
        received["To"] == "somsri@example.co.th" and received["Subject"].strip() == SUBJECT
    )  # folded: "Subject:\r\n =?utf-8?b?..."
    assert received["From"] == "Patron <shop@example.com>" and "สวัสดีค่ะ" in received.get_content()
    message.refresh_from_db()
    assert (message.status, message.reply) == ("sent", "250 Message accepted")
    assert message.sent_at is not None and message.sent_at >= message.created_at
    assert (message.customer, message.language, message.purpose) == (customer, "th", "thanks")
    assert (message.actor, message.actor_kind, message.actor_job) == (somchai, "staff", "")


async def _refuse_recipient(server, session, envelope, address, rcpt_options):
    return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"


async def _refuse_data(server, session, envelope):
    return "554 5.7.1 Message rejected as spam"


def test_a_recipient_the_server_refuses_is_recorded_as_failed_with_its_answer(server, somchai):
    server.handle_RCPT = _refuse_recipient  # aiosmtpd reads the hooks at each connection
    with pytest.raises(MailNotSent, match="550 5.1.1") as refused:
        send(somchai, to="nobody@example.co.th")
    message = Message.objects.get()
    assert refused.value.message == message and server.messages == []
    assert message.status == "failed" and message.sent_at is None
    assert message.reply == "550 5.1.1 <nobody@example.co.th>: Recipient address rejected: User unknown"


def test_a_caller_that_asks_gets_the_refusal_recorded_not_raised(server, somchai):
    server.handle_DATA = _refuse_data
    message = send(Actor.system(job="reminders"), fail_silently=True)
    assert (message.status, message.reply) == ("failed", "554 5.7.1 Message rejected as spam")
    assert Message.objects.get().status == "failed"
    assert (message.actor, message.actor_kind, message.actor_job) == (None, "system", "reminders")


def test_a_server_that_cannot_be_reached_is_recorded_as_failed(somchai, settings):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    configure(settings, f"smtp://shop%40example.com:pw@127.0.0.1:{port}")
    message = send(somchai, fail_silently=True)
    assert message.status == "failed" and "refused" in message.reply.lower()


def test_without_a_server_the_message_stays_in_the_outbox_and_nothing_is_sent(server, somchai, settings):
    configure(settings, "")
    message = send(somchai)
    assert server.messages == []
    assert (message.status, message.reply, message.sent_at) == ("outbox", "", None)
    assert Message.objects.get().body == "สวัสดีค่ะ\nhttps://shop.example/x"


def test_a_subject_with_a_line_break_is_refused_before_anything_is_recorded(server, somchai):
    with pytest.raises(ValueError):
        mail_send(to="a@example.com", subject="Hi\nBcc: x@example.com", body=".", by=somchai, purpose="x")
    with pytest.raises(ValueError):
        mail_send(to="a@example.com\nBcc: x@example.com", subject="Hi", body=".", by=somchai, purpose="x")
    assert Message.objects.count() == 0 and server.messages == []


def test_a_template_is_rendered_in_the_language_asked(somchai):
    context = {"link": "https://shop.example/x", "inviter": somchai, "role": "Marketer", "days": 7}
    subject, body = mail_render("accounts/mail/invitation", context, language="vi")
    assert "mời" in subject and "\n" not in subject and "https://shop.example/x" in body


def test_an_invitation_is_recorded_with_who_sent_it(admin_client, server):
    admin = admin_client.get(reverse("accounts:people")).wsgi_request.user
    admin_client.post(
        reverse("accounts:people"), {"email": "nga@example.com", "role": MARKETER, "language": "vi"}
    )
    message = Message.objects.get()
    assert (message.to, message.purpose, message.language, message.status) == (
        "nga@example.com",
        "invitation",
        "vi",
        "sent",
    )
    assert message.actor == admin and message.reply == "250 Message accepted"
    [received] = server.messages
    [link] = re.findall(r"https?://\S+/invitation/\S+", received.get_content())
    assert link not in message.body and "[…]" in message.body  # the record opens no account


def test_a_password_reset_is_recorded_as_the_system_s(client, lan, server):
    lan.email = "lan@example.vn"
    lan.save()
    client.post(reverse("accounts:password_reset"), {"email": "lan@example.vn"})
    message = Message.objects.get()
    assert (message.purpose, message.language, message.status) == ("password-reset", "vi", "sent")
    assert (message.actor_kind, message.actor_job) == ("system", "account-mail")
    [received] = server.messages
    [link] = re.findall(r"https?://\S+/reset/\S+", received.get_content())
    assert link not in message.body and "/reset/" in message.body and "[…]" in message.body
