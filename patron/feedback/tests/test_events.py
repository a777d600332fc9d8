"""feedback_recorded is told once the answer, comment or feedback commits, never for a
transaction rolled back. (Not transactional tests: a flush would take the default categories
the migration made; django_capture_on_commit_callbacks runs what the commit would.)"""

import pytest
from django.db import transaction

from patron.customers.tests.factories import make_customer
from patron.feedback.events import feedback_recorded
from patron.feedback.models import FeedbackCategory
from patron.feedback.services import feedback_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def told():
    heard = []

    def receiver(sender, customer_ids, **kwargs):
        heard.append(customer_ids)

    feedback_recorded.connect(receiver)
    yield heard
    feedback_recorded.disconnect(receiver)


@pytest.fixture
def staff_category():
    return FeedbackCategory.objects.get(code="staff")


def test_feedback_is_told_after_its_commit(
    somchai, thai_shop, told, staff_category, django_capture_on_commit_callbacks
):
    somsri = make_customer(somchai, "somsri")
    with django_capture_on_commit_callbacks(execute=True):
        feedback_record(by=somchai, customer=somsri, kind="compliment", category=staff_category, text="ยิ้มแย้ม")
        assert told == []  # not before the commit
    assert told == [(somsri.pk,)]


def test_nothing_is_told_of_a_rollback(
    somchai, thai_shop, told, staff_category, django_capture_on_commit_callbacks
):
    somsri = make_customer(somchai, "somsri")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        feedback_record(by=somchai, customer=somsri, kind="idea", category=staff_category, text="แอปสะสมแต้ม")
        raise RuntimeError
    assert told == []


def test_an_answer_is_told(somchai, thai_shop, told, answered, django_capture_on_commit_callbacks):
    juan = make_customer(somchai, "juan")
    with django_capture_on_commit_callbacks(execute=True):
        answered(juan, "csat", 4, by=somchai)
    assert told == [(juan.pk,)]
