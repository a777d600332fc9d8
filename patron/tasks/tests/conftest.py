"""The SMTP server fixtures (patron.accounts.tests.smtp) for the reminders' tests."""

from patron.accounts.tests.smtp import certificate, smtp_server  # noqa: F401
