"""Sending e-mail, the first outbound channel: every message is recorded (outbox.Message), then
given to the SMTP server of PATRON_EMAIL_URL; without one it stays in the outbox, where an Admin
reads it (patron.outbox.views), so nothing is lost on a server with no mail set up.

Two ways to send. ``mail_send`` sends at once, in the caller's process (an invitation: the page
says whether it went). ``mail_queue`` records a message "queued", to be sent by a worker
(``mail_deliver``, run by patron.outbox.jobs after the commit, at start-up and every minute), so
a message recorded in a transaction is sent exactly when that transaction commits, and survives
a worker that stops. mail_deliver never loses a queued message, and sends it twice only when
the worker dies in the one moment SMTP leaves open (RFC 1047):

1. It claims the message in one UPDATE (queued -> sending, attempts + 1, a claim that runs out
   after PATRON_MAIL_CLAIM_SECONDS, default 120); no other sender takes it meanwhile. A claim
   that ran out (the worker died while sending) is taken up again by the next sweep.
2. It gives the server the whole message but the final dot; a connection lost before that dot
   leaves nothing at the server, so such a message is sent again with no copy anywhere.
3. Just before the dot it records "handed" (an UPDATE that only succeeds while its own claim
   holds: a sender whose claim was taken over drops the connection instead, and the server
   keeps nothing), sends the dot, and records "sent" with the server's reply in the very next
   statement.

A worker killed between 3's "handed" and its "sent" leaves the message "handed": the server may
have taken it (its 250 may have been on the way) or not (the dot may not have left: under load a
process can be stopped between any two steps for milliseconds). Patron cannot tell, so once the
claim has run out it sends the message again, with the same Message-ID: never lost, and a copy
only from a stop in that window, which mail programs and stores recognise as the same message
by its Message-ID. "handed" on the outbox page marks such a message until it is sent again. The
other choice, never sending a "handed" message again, loses a reminder whenever the stop fell
before the dot; a duplicate reminder is the lesser harm. The window is as short as it can be:
"sent" is recorded in the statement after the reply is read.

A refusal the server says is temporary (4xx), a server not reached, or a connection lost after
the final dot with no answer is tried again later (after 2, 4, 8, 16 and 32 minutes), then
recorded as failed; a permanent refusal (5xx) at once.

mail_send and mail_queue check no permission: they are called by services that checked their
own (inviting someone needs auth.add_user), and by jobs.
"""

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.message import sanitize_address
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from patron.actors import as_actor
from patron.commits import after_commit
from patron.outbox.models import Message
from patron.outbox.smtp import Abandoned, Refused, smtp_send

ATTEMPTS = 6

HIDDEN = "[…]"  # in the record, for what mail_send was told to conceal


def mail_configured():
    return bool(getattr(settings, "PATRON_MAIL_CONFIGURED", False))


class MailNotSent(Exception):
    """The server refused the message or could not be reached; the text says why. ``message``:
    the recorded Message (None when mail is not configured and nothing was recorded)."""

    def __init__(self, text, message=None):
        super().__init__(text)
        self.message = message


def mail_render(template, context, *, language=""):
    """(subject, body) of ``<template>_subject.txt`` and ``<template>_body.txt`` rendered in
    ``language`` (the current one when empty); the subject on one line."""
    with translation.override(language or translation.get_language()):
        subject = render_to_string(f"{template}_subject.txt", context)
        body = render_to_string(f"{template}_body.txt", context)
    return " ".join(subject.split()), body


def _concealed(text, secrets):
    for secret in filter(None, secrets):
        text = text.replace(secret, HIDDEN)
    return text


def mail_send(*, to, subject, body, by, purpose, language="", customer=None, fail_silently=False, conceal=()):
    """Record an e-mail to ``to`` (one address) and send it when mail is configured; returns the
    Message: "outbox" without a server (nothing sent), "sent" with the server's reply to DATA,
    or "failed" with its refusal or the error. A failure raises MailNotSent (holding the
    Message) unless ``fail_silently``; nothing else is caught. ``by``: who sends it (a user is
    staff; a job is Actor.system). ``purpose``: a short code ("invitation", "reminder").
    ``conceal``: secrets in the body (a one-time link's token) that the record shows as HIDDEN,
    so the database keeps no usable link.

    Django builds the message, so its protections hold: a subject or address with a line break,
    or an address that is none, raises ValueError before anything is recorded or sent.
    """
    email = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    mime = email.message()  # refuses header injection (BadHeaderError is a ValueError)
    encoding = email.encoding or settings.DEFAULT_CHARSET
    sender, recipient = sanitize_address(email.from_email, encoding), sanitize_address(to, encoding)
    configured = mail_configured()
    message = Message.objects.create(
        to=to,
        customer=customer,
        subject=subject,
        body=_concealed(body, conceal),
        language=language,
        purpose=purpose,
        status=Message.Status.SENDING if configured else Message.Status.OUTBOX,
        **as_actor(by).columns(),
    )
    if not configured:
        return message
    try:
        message.reply = smtp_send(sender=sender, recipient=recipient, content=mime.as_bytes(linesep="\r\n"))
    except Refused as refusal:
        message.status, message.reply = Message.Status.FAILED, str(refusal)
    else:
        message.status, message.sent_at = Message.Status.SENT, timezone.now()
    message.save(update_fields=["status", "reply", "sent_at"])
    if message.status == Message.Status.FAILED and not fail_silently:
        raise MailNotSent(message.reply, message)
    return message


def claim_time():
    """How long a sender's claim on a message lasts: longer than any one SMTP conversation."""
    return timedelta(seconds=settings.PATRON_MAIL_CLAIM_SECONDS)


def _email(message):
    email = EmailMessage(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.to])
    if message.message_id:
        email.extra_headers["Message-ID"] = message.message_id
    return email


def mail_queue(*, to, subject, body, by, purpose, language="", customer=None):
    """Record an e-mail to ``to`` to be sent by a worker once the current transaction commits
    (mail_deliver); returns the Message, "queued", or "outbox" when no server is configured.
    The arguments are mail_send's; there is no ``conceal``, since the worker sends what is
    recorded. Refuses a header with a line break (ValueError) before recording anything."""
    message = Message(
        to=to,
        customer=customer,
        subject=subject,
        body=body,
        language=language,
        purpose=purpose,
        **as_actor(by).columns(),
    )
    message.message_id = _email(message).message()["Message-ID"]  # Django checks the headers
    if not mail_configured():
        message.status = Message.Status.OUTBOX
        message.save()
        return message
    message.status, message.next_attempt_at = Message.Status.QUEUED, timezone.now()
    message.save()
    from patron.outbox.jobs import mail_deliver as job

    after_commit(job, message.pk)
    return message


def _sendable(now):
    """Queued messages due for an attempt, and claims that ran out (their sender stopped, before
    or after handing the message over)."""
    waiting = [Message.Status.QUEUED, Message.Status.SENDING, Message.Status.HANDED]
    return Q(status__in=waiting, next_attempt_at__lte=now)


def mail_deliver(message_id):
    """Send the queued message ``message_id`` if it is due and nobody else is sending it (see the
    module's docstring); returns it as recorded afterwards, or None when there was nothing to do.
    Runs outside a transaction: each record is committed at once."""
    now = timezone.now()
    claimed = Message.objects.filter(_sendable(now), pk=message_id).update(
        status=Message.Status.SENDING, attempts=F("attempts") + 1, next_attempt_at=now + claim_time()
    )
    if not claimed:
        return None
    message = Message.objects.get(pk=message_id)
    mine = Message.objects.filter(pk=message.pk, attempts=message.attempts)
    email = _email(message)
    encoding = email.encoding or settings.DEFAULT_CHARSET
    sender = sanitize_address(email.from_email, encoding)
    recipient = sanitize_address(message.to, encoding)

    def hand_over():
        return mine.filter(status=Message.Status.SENDING).update(status=Message.Status.HANDED) == 1

    try:
        reply = smtp_send(
            sender=sender,
            recipient=recipient,
            content=email.message().as_bytes(linesep="\r\n"),
            before_end=hand_over,
        )
    except Abandoned:
        return None
    except Refused as refusal:
        return _not_sent(message, mine, str(refusal))
    # The very next statement: a stop before it leaves "handed", and the message goes again.
    mine.update(status=Message.Status.SENT, reply=reply, sent_at=timezone.now(), next_attempt_at=None)
    message.refresh_from_db()
    return message


def _not_sent(message, mine, reply):
    """A refusal: permanent (5xx) or the last attempt, failed; else queued for a later try (a
    connection lost after the final dot too: the message goes again, with its Message-ID)."""
    if reply[:1] != "5" and message.attempts < ATTEMPTS:
        retry_at = timezone.now() + timedelta(minutes=2**message.attempts)
        mine.update(status=Message.Status.QUEUED, reply=reply, next_attempt_at=retry_at)
        from patron.outbox.jobs import mail_deliver as job

        job.schedule(args=(message.pk,), eta=retry_at)
    else:
        mine.update(status=Message.Status.FAILED, reply=reply, next_attempt_at=None)
    message.refresh_from_db()
    return message


def mail_deliver_waiting(limit=500):
    """Send every queued message that is due and every one whose sender's claim ran out, oldest
    first, up to ``limit``; how many were sent or refused. The sweep of patron.outbox.jobs."""
    waiting = Message.objects.filter(_sendable(timezone.now())).order_by("next_attempt_at", "pk")
    done = 0
    for message_id in list(waiting.values_list("pk", flat=True)[:limit]):
        if mail_deliver(message_id) is not None:
            done += 1
    return done


def mail_claims_pending():
    """(id, end of claim) of the messages being sent or handed over: after a worker restarts,
    each is taken up again when its claim runs out (patron.outbox.jobs.mail_sweep_at_start)."""
    claimed = [Message.Status.SENDING, Message.Status.HANDED]
    return list(
        Message.objects.filter(status__in=claimed, next_attempt_at__isnull=False).values_list(
            "pk", "next_attempt_at"
        )
    )
