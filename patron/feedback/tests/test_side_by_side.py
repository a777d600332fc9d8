"""Two clicks on a survey's links at the same moment, on PostgreSQL (threads, each its own
connection): one answer is recorded, the other changes nothing, and a detractor's answer opens
one follow-up task."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from patron.actors import Actor
from patron.customers.tests.factories import make_customer
from patron.feedback.models import Survey
from patron.feedback.services import hash_token
from patron.tasks.models import Task

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_clicks_at_once_record_one_answer_and_one_task(somchai, thai_shop):
    if connection.vendor != "postgresql":
        pytest.skip("threads share one database on PostgreSQL; SQLite's test database is in memory")
    customer = make_customer(somchai, "somsri")
    survey = Survey.objects.create(
        customer=customer,
        kind="nps",
        reason="hand",
        status="sent",
        email="somsri@example.co.th",
        token_hash=hash_token("the-token"),
        expires_at=timezone.now() + timedelta(days=1),
        **Actor.staff(somchai).columns("sent_by"),
    )
    start, statuses, errors = threading.Barrier(2), [], []

    def click(score):
        try:
            start.wait()
            statuses.append(Client().post(f"/feedback/s/{survey.pk}/the-token/{score}/").status_code)
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(score,)) for score in (2, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and statuses == [200, 200]
    survey.refresh_from_db()
    assert survey.score in (2, 5) and survey.band == "detractor"
    assert Task.objects.count() == 1 and survey.follow_up == Task.objects.get()
