"""Sending e-mail, the first outbound channel: every message is recorded (outbox.Message), then
given to the SMTP server of PATRON_EMAIL_URL; without one it stays in the outbox, where an Admin
reads it (patron.outbox.views), so nothing is lost on a server with no mail set up.

mail_send checks no permission: it is called by services that checked their own (inviting
someone needs auth.add_user), and by jobs.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.message import sanitize_address
from django.template.loader import render_to_string
from django.utils import timezone, translation

from patron.actors import as_actor
from patron.outbox.models import Message
from patron.outbox.smtp import Refused, smtp_send

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
