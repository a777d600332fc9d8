"""A survey through a real SMTP server (aiosmtpd over STARTTLS): the customer receives the links
that work, in their language, while the record keeps the token hidden; a refusal marks the
survey "failed" with the server's answer in the outbox."""

import re

import pytest

from patron.accounts.tests.smtp import certificate, configure, start_server  # noqa: F401
from patron.customers.tests.factories import make_customer
from patron.feedback.models import Survey
from patron.feedback.services import survey_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def server(certificate, monkeypatch, settings):  # noqa: F811
    controller, inbox, url = start_server(certificate, monkeypatch, implicit_tls=False)
    configure(settings, url)
    yield inbox
    controller.stop()


async def _refuse_recipient(server, session, envelope, address, rcpt_options):
    return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"


def test_the_customer_receives_links_that_work(server, client, somchai, thai_shop):
    somsri = make_customer(somchai, "somsri")
    survey = survey_send(
        by=somchai, customer=somsri, kind="csat", reason="hand", root_url="http://testserver"
    )
    [received] = server.messages
    assert received["To"] == "somsri@example.co.th" and "เรียน คุณสมศรี" in received.get_content()
    links = dict(re.findall(r"^(\d): http://testserver(/\S+)\r?$", received.get_content(), re.M))
    assert sorted(links) == ["1", "2", "3", "4", "5"]
    survey.refresh_from_db()
    assert survey.status == "sent" and survey.message.status == "sent"
    token = links["5"].split("/")[4]
    assert token not in survey.message.body
    assert client.post(links["5"]).status_code == 200
    survey.refresh_from_db()
    assert (survey.score, survey.band) == (5, "satisfied")


def test_a_refusal_marks_the_survey_failed(server, somchai, thai_shop):
    server.handle_RCPT = _refuse_recipient
    somsri = make_customer(somchai, "somsri")
    survey = survey_send(by=somchai, customer=somsri, kind="nps", reason="hand")
    assert survey.status == "failed"
    assert Survey.objects.get().message.reply.startswith("550 5.1.1")
