"""The SMTP server fixtures (patron.accounts.tests.smtp) for every test here."""

from patron.accounts.tests.smtp import certificate, smtp_server  # noqa: F401
