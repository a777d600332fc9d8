"""PATRON_EMAIL_URL and PATRON_EMAIL_FROM, and mail sent through a real SMTP server over TLS."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from patron.accounts.mail import MailNotSent, mail_configured, send_mail
from patron.accounts.tests.smtp import PASSWORD, PASSWORD_IN_URL, USER, configure, start_server
from patron.settings import email_settings


class _Inviter:
    def get_full_name(self):
        return "Somchai Jaidee"

    def get_username(self):
        return "somchai"


INVITATION = {"link": "https://shop.example/x", "inviter": _Inviter(), "role": "Marketer", "days": 7}


def test_smtp_url_means_starttls_on_587_with_the_user_and_password_decoded():
    values = email_settings("smtp://shop%40example.com:s%2Fcr%40t%3A1@mail.example.com", "")
    assert values["PATRON_MAIL_CONFIGURED"] is True
    assert (values["EMAIL_HOST"], values["EMAIL_PORT"]) == ("mail.example.com", 587)
    assert (values["EMAIL_USE_TLS"], values["EMAIL_USE_SSL"]) == (True, False)
    assert (values["EMAIL_HOST_USER"], values["EMAIL_HOST_PASSWORD"]) == ("shop@example.com", "s/cr@t:1")
    assert values["DEFAULT_FROM_EMAIL"] == "shop@example.com"  # the user, when it is an address


def test_smtps_url_means_tls_from_the_start_on_465():
    values = email_settings("smtps://u:p@mail.example.com", "Shop <shop@example.com>")
    assert (values["EMAIL_PORT"], values["EMAIL_USE_SSL"], values["EMAIL_USE_TLS"]) == (465, True, False)
    assert values["DEFAULT_FROM_EMAIL"] == values["SERVER_EMAIL"] == "Shop <shop@example.com>"
    assert email_settings("smtps://u:p@mail.example.com:2465", "a@b.example")["EMAIL_PORT"] == 2465


def test_no_url_means_no_mail():
    assert email_settings("", "")["PATRON_MAIL_CONFIGURED"] is False


@pytest.mark.parametrize("url", ["http://mail.example.com", "smtp://", "mail.example.com:587"])
def test_a_url_that_is_not_smtp_is_refused_at_start(url):
    with pytest.raises(ImproperlyConfigured, match="smtp://user:pass@host:587"):
        email_settings(url, "a@b.example")


def test_a_sender_is_needed_when_the_user_is_no_address():
    with pytest.raises(ImproperlyConfigured, match="PATRON_EMAIL_FROM"):
        email_settings("smtp://apikey:secret@mail.example.com", "")


def test_without_mail_configured_nothing_pretends_to_send(settings):
    configure(settings, "")
    assert not mail_configured()
    with pytest.raises(MailNotSent):
        send_mail(to="lan@example.com", template="invitation", context=INVITATION, language="vi")


@pytest.mark.parametrize("implicit_tls", [False, True], ids=["starttls", "smtps"])
def test_mail_goes_through_a_real_server_with_tls_and_the_decoded_password(
    db,  # each message is recorded (patron.outbox)
    certificate,
    monkeypatch,
    settings,
    implicit_tls,
):
    controller, inbox, url = start_server(certificate, monkeypatch, implicit_tls=implicit_tls)
    try:
        configure(settings, url)
        send_mail(
            to="lan@example.com",
            template="invitation",
            context=INVITATION,
            language="vi",
        )
    finally:
        controller.stop()
    [message] = inbox.messages
    assert message["To"] == "lan@example.com" and message["From"] == "Patron <shop@example.com>"
    assert "https://shop.example/x" in message.get_content()
    assert "Patron" in message["Subject"] and "mời" in message["Subject"]  # Vietnamese


def test_a_wrong_password_is_told_not_swallowed(db, certificate, monkeypatch, settings):
    controller, inbox, url = start_server(certificate, monkeypatch, implicit_tls=False)
    try:
        configure(settings, url.replace("%251", "%252"))
        with pytest.raises(MailNotSent, match="535|Authentication"):
            send_mail(to="lan@example.com", template="invitation", context=INVITATION, language="en")
    finally:
        controller.stop()
    assert inbox.messages == []


def test_a_user_or_password_smtp_cannot_send_is_refused_at_start():
    with pytest.raises(ImproperlyConfigured, match="ASCII"):
        email_settings(f"smtp://{USER}:p%C3%A4ss@mail.example.com", "")
    assert email_settings(f"smtp://{USER}:{PASSWORD_IN_URL}@h.example", "")["EMAIL_HOST_PASSWORD"] == PASSWORD
