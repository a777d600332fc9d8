import re
from datetime import timedelta

import pytest
from django.utils import timezone

from patron.actors import Actor
from patron.customers.tests.factories import make_customer
from patron.feedback.models import Survey
from patron.feedback.services import survey_answer, survey_send


@pytest.fixture
def answered():
    """answered(customer, "nps", 9, by=user) -> a survey, as sent by ``by``, answered by the
    customer (made directly: these tests are about answers, not about sending)."""

    def answer(customer, kind, score, *, by):
        survey = Survey.objects.create(
            customer=customer,
            kind=kind,
            reason="hand",
            status="sent",
            email="someone@example.com",
            token_hash="0" * 64,
            expires_at=timezone.now() + timedelta(days=30),
            **Actor.staff(by).columns("sent_by"),
        )
        return survey_answer(by=Actor.customer(customer), survey=survey, score=score)

    return answer


LINK = re.compile(r"^(\d+): (http://testserver(/feedback/s/\d+/[^/]+/\d+/))$", re.M)


@pytest.fixture
def somsri(somchai, thai_shop):
    return make_customer(somchai, "somsri")


@pytest.fixture
def sent(monkeypatch):
    """survey_send, keeping the links of the e-mail as the customer receives it on the survey."""
    from patron.feedback import services

    bodies = []
    original = services.mail_send

    def capture(**kwargs):
        bodies.append(kwargs["body"])
        return original(**kwargs)

    monkeypatch.setattr(services, "mail_send", capture)

    def send(**kwargs):
        kwargs.setdefault("root_url", "http://testserver")
        survey = survey_send(**kwargs)
        if survey.status != Survey.Status.SKIPPED:
            survey._body = bodies[-1]
            survey._links = {int(score): path for score, _url, path in LINK.findall(bodies[-1])}
        return survey

    return send
