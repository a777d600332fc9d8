from datetime import timedelta

import pytest
from django.utils import timezone

from patron.actors import Actor
from patron.feedback.models import Survey
from patron.feedback.services import survey_answer


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
