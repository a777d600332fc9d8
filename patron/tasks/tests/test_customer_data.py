"""Tasks in the customer-data registry: moved by a merge, in the copy, deleted by an erasure."""

from datetime import UTC, datetime

import pytest

from patron.conftest import with_token
from patron.customers import registry
from patron.customers.erasure import customer_erase
from patron.customers.registry import OnErase, OnMerge
from patron.customers.tests.factories import make_customer
from patron.duplicates.merging import customer_merge
from patron.duplicates.tests.factories import an_twice
from patron.tasks.models import Reminder, Task
from patron.tasks.services import task_create

pytestmark = pytest.mark.django_db


def test_tasks_are_declared():
    (holding,) = [h for h in registry.holdings() if h.model is Task]
    assert (holding.merge, holding.erase, holding.export) == (OnMerge.MOVE, OnErase.DELETE, True)
    assert set(holding.customer_fields) == {"customer", "actor_customer"}


def test_a_merge_moves_the_tasks(somchai, thai_shop):
    survivor, merged = an_twice(somchai)
    task = task_create(
        by=somchai,
        customer=merged,
        title="Call An",
        due_at=datetime(2030, 1, 1, tzinfo=UTC),
        assignee=somchai,
    )
    customer_merge(survivor=survivor, merged=merged, by=somchai)
    task.refresh_from_db()
    assert task.customer_id == survivor.pk


def test_an_erasure_deletes_the_tasks_and_their_reminders(somchai, thai_shop):
    somsri = make_customer(somchai, "somsri")
    task_create(
        by=somchai,
        customer=somsri,
        title="โทรหาคุณสมศรี",
        due_at=datetime(2030, 1, 1, tzinfo=UTC),
        assignee=somchai,
        remind_before_minutes=[10],
    )
    customer_erase(customer=somsri, reason="Asked by phone", by=somchai)
    assert not Task.objects.exists()
    assert not Reminder.objects.exists()


def test_the_copy_holds_the_tasks(client, somchai, thai_shop):

    juan = make_customer(somchai, "juan")
    task_create(
        by=somchai,
        customer=juan,
        title="Tawagan si Juan",
        due_at=datetime(2030, 1, 1, tzinfo=UTC),
        assignee=somchai,
    )
    document = with_token(client, somchai).get(f"/api/customers/{juan.pk}/export").json()
    assert [row["title"] for row in document["data"]["tasks"]] == ["Tawagan si Juan"]
