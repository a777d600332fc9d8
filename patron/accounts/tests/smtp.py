"""A real SMTP server for the mail tests: aiosmtpd on a free port, with TLS (STARTTLS on smtp://,
from the start on smtps://) and a user name and password, trusted through SSL_CERT_FILE."""

import socket
import ssl
import subprocess
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from patron.settings import email_settings

USER = "patron@shop.example"
PASSWORD = "p@ss:w/rd %1"  # noqa: S105 (a test server's), sent URL-encoded in PATRON_EMAIL_URL
PASSWORD_IN_URL = "p%40ss%3Aw%2Frd%20%251"


class Inbox:
    """The messages the server accepted, parsed."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"

    def bodies(self):
        return [message.get_content() for message in self.messages]


def _check_login(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535 itself


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def certificate(tmp_path_factory):
    folder = tmp_path_factory.mktemp("smtp-tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"]
        + ["-addext", "subjectAltName=DNS:localhost", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return cert, key


def start_server(certificate, monkeypatch, *, implicit_tls):
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    inbox = Inbox()
    port = _free_port()
    # PLAIN only: smtplib then fails at once on a wrong password instead of trying LOGIN too.
    options = {"authenticator": _check_login, "auth_required": True, "auth_exclude_mechanism": ["LOGIN"]}
    if implicit_tls:
        options |= {"ssl_context": context, "auth_require_tls": False}  # TLS from the first byte
    else:
        options |= {"tls_context": context, "require_starttls": True}
    controller = Controller(inbox, hostname="127.0.0.1", port=port, server_hostname="localhost", **options)
    controller.start()
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the client trusts the test server's certificate
    scheme = "smtps" if implicit_tls else "smtp"
    return controller, inbox, f"{scheme}://{USER.replace('@', '%40')}:{PASSWORD_IN_URL}@localhost:{port}"


def configure(settings, url, sender="Patron <shop@example.com>"):
    """Django's settings as PATRON_EMAIL_URL=url would make them (pytest-django sets locmem)."""
    for name, value in email_settings(url, sender).items():
        setattr(settings, name, value)


@pytest.fixture
def smtp_server(certificate, monkeypatch, settings):
    """A STARTTLS server, and the settings pointed at it; yields its inbox."""
    controller, inbox, url = start_server(certificate, monkeypatch, implicit_tls=False)
    configure(settings, url)
    yield inbox
    controller.stop()
