"""Patron's outgoing mail for the account e-mails (invitations, password resets), through the
outbox (patron.outbox.services), which records each message and the server's answer.

Mail is configured when PATRON_EMAIL_URL is set (see patron.settings.email_settings). Without
it these e-mails are neither sent nor kept in the outbox: the pages show the link to copy
instead, or say to ask an Admin.
"""

from django.utils import translation
from django.utils.translation import gettext_lazy

from patron.actors import Actor, register_job
from patron.outbox.purposes import register_purpose
from patron.outbox.services import MailNotSent, mail_configured, mail_render, mail_send

__all__ = ["MailNotSent", "mail_configured", "send_mail"]

ACCOUNT_MAIL = "account-mail"  # the system's job when no staff member sends it (a password reset)
register_job(ACCOUNT_MAIL, gettext_lazy("account e-mail"))
register_purpose("invitation", gettext_lazy("invitation"))
register_purpose("password-reset", gettext_lazy("password reset"))


def send_mail(*, to, template, context, language=None, by=None):
    """Send ``accounts/mail/<template>_subject.txt`` and ``_body.txt``, rendered in ``language``
    (the current one when empty), to ``to``, recorded as sent ``by`` (a staff member, or the
    system). Raises MailNotSent when mail is not configured or the server did not take it.
    The context's ``link`` and ``token`` open an account: the outbox's record leaves them out."""
    if not mail_configured():
        raise MailNotSent("PATRON_EMAIL_URL is not set")
    language = language or translation.get_language()
    subject, body = mail_render(f"accounts/mail/{template}", context, language=language)
    mail_send(
        to=to,
        subject=subject,
        body=body,
        by=by or Actor.system(job=ACCOUNT_MAIL),
        purpose=template.replace("_", "-"),
        language=language,
        conceal=(context.get("link"), context.get("token")),
    )
