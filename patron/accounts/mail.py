"""Patron's outgoing mail, for the account e-mails (invitations, password resets).

Mail is configured when PATRON_EMAIL_URL is set (see patron.settings.email_settings). Without
it nothing is sent and nothing pretends to be: the pages show the link to copy instead.
"""

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation


def mail_configured():
    return bool(getattr(settings, "PATRON_MAIL_CONFIGURED", False))


class MailNotSent(Exception):
    """The server refused the message or could not be reached; the text says why."""


def send_mail(*, to, template, context, language=None):
    """Send ``accounts/mail/<template>_subject.txt`` and ``_body.txt``, rendered in ``language``
    (the current one when empty), to ``to``. Raises MailNotSent when mail is not configured
    or the server did not take the message."""
    if not mail_configured():
        raise MailNotSent("PATRON_EMAIL_URL is not set")
    with translation.override(language or translation.get_language()):
        subject = render_to_string(f"accounts/mail/{template}_subject.txt", context)
        body = render_to_string(f"accounts/mail/{template}_body.txt", context)
    message = EmailMessage(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [to])
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        raise MailNotSent(str(error) or error.__class__.__name__) from error
