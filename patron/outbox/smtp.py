"""One message to the SMTP server of PATRON_EMAIL_URL (Django's EMAIL_* settings, see
patron.settings.email_settings), through smtplib itself rather than Django's backend, so that
the server's reply to DATA ("250 2.0.0 Ok: queued as 4F1B2") can be kept with the message."""

import contextlib
import re
import smtplib
import ssl

from django.conf import settings


class Refused(Exception):
    """The server refused the message or could not be reached; the text says what it answered."""


class Abandoned(Exception):
    """``before_end`` said not to end the message: the connection was closed before the final
    dot, so the server keeps nothing (another sender had taken the message over)."""


def _text(code, reply):
    return f"{code} {reply.decode(errors='replace') if isinstance(reply, bytes) else reply}".strip()


def _connect():
    # The system's trusted authorities check the server's certificate (SSL_CERT_FILE too).
    context = ssl.create_default_context()
    host, port, timeout = settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT
    if settings.EMAIL_USE_SSL:
        return smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    connection = smtplib.SMTP(host, port, timeout=timeout)
    if settings.EMAIL_USE_TLS:
        try:
            connection.starttls(context=context)
        except BaseException:
            connection.close()
            raise
    return connection


def _deliver(connection, sender, recipient, content, before_end=None):
    if settings.EMAIL_HOST_USER:
        connection.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
    code, reply = connection.mail(sender)
    if code != 250:
        raise Refused(_text(code, reply))
    code, reply = connection.rcpt(recipient)
    if code not in (250, 251):
        raise Refused(_text(code, reply))
    if before_end is None:
        code, reply = connection.data(content)  # raises SMTPDataError unless DATA gets a 354
    else:
        code, reply = _data_in_two_steps(connection, content, before_end)
    if code != 250:
        raise Refused(_text(code, reply))
    return _text(code, reply)


def _data_in_two_steps(connection, content, before_end):
    """DATA as smtplib sends it, but the final dot only once ``before_end()`` has said yes: until
    that dot a server keeps nothing of the message (a connection lost before it is a message
    never sent), so a sender can record "handed over" just before the one moment that counts."""
    code, reply = connection.docmd("data")
    if code != 354:
        raise Refused(_text(code, reply))
    body = re.sub(rb"(?m)^\.", b"..", content)
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    connection.send(body)
    try:
        go_on = before_end()
    except BaseException:
        connection.close()  # without the dot: the server keeps nothing
        raise
    if not go_on:
        raise Abandoned
    connection.send(b".\r\n")
    return connection.getreply()


def smtp_send(*, sender, recipient, content, before_end=None):
    """Give ``content`` (the message's bytes, CRLF lines) to the server for ``recipient``, from
    ``sender`` (bare addresses); returns the server's reply to DATA, raises Refused otherwise.

    ``before_end``: called once the message is written, before the final dot that makes the
    server take it; when it answers False the connection is dropped and Abandoned raised."""
    try:
        connection = _connect()
    except (smtplib.SMTPException, OSError) as error:
        raise Refused(_error_text(error)) from error
    try:
        return _deliver(connection, sender, recipient, content, before_end)
    except Abandoned:
        connection.close()  # no QUIT: in the middle of DATA it would be read as the message's text
        raise
    except (smtplib.SMTPException, OSError) as error:
        raise Refused(_error_text(error)) from error
    finally:
        # A QUIT the server answers badly, once it has taken the message, changes nothing.
        with contextlib.suppress(smtplib.SMTPException, OSError):
            connection.quit()
        connection.close()


def _error_text(error):
    if isinstance(error, smtplib.SMTPResponseException):
        return _text(error.smtp_code, error.smtp_error)
    return str(error) or error.__class__.__name__
