"""The customer list's tasks filter, on the API (the page reads the same declaration)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from patron.conftest import with_token
from patron.customers.tests.factories import make_customer
from patron.tasks.services import task_complete, task_create

pytestmark = pytest.mark.django_db


def test_customers_with_open_overdue_or_no_tasks(client, somchai, thai_shop):
    an, sukru, somsri, juan = (
        make_customer(somchai, key) for key in ["nguyen_van_an", "sukru_isik", "somsri", "juan"]
    )
    now = timezone.now()

    def task(customer, due_at):
        return task_create(by=somchai, customer=customer, title="Call", due_at=due_at, assignee=somchai)

    task(an, now + timedelta(days=1))
    task(sukru, now - timedelta(hours=1))
    task_complete(by=somchai, task=task(somsri, now - timedelta(days=1)))
    api = with_token(client, somchai)

    def listed(value):
        response = api.get("/api/customers", {"tasks": value})
        assert response.status_code == 200, response.content
        return {item["id"] for item in response.json()["items"]}

    assert listed("open") == {an.pk, sukru.pk}
    assert listed("overdue") == {sukru.pk}
    assert listed("none") == {somsri.pk, juan.pk}
    assert api.get("/api/customers", {"tasks": "soon"}).status_code == 422
