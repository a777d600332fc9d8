"""Surveys that go out by themselves: after a customer's Nth order (never for old or imported
orders, nor a return), after a completed task, each as the settings say, at most once in the
minimum interval."""

from datetime import timedelta

import pytest
from django.utils import timezone

from patron.customers.tests.factories import make_customer
from patron.feedback.models import Survey
from patron.feedback.services import settings_update
from patron.sales.events import ImportAnnouncer
from patron.sales.services import order_create
from patron.tasks.services import task_complete, task_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def somsri(somchai, thai_shop):
    return make_customer(somchai, "somsri")


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def order(customer, by, on_commit, days_ago=0):
    with on_commit():
        return order_create(
            customer=customer,
            placed_at=timezone.now() - timedelta(days=days_ago),
            channel="web",
            total="100.00",
            by=by,
        )


def test_a_survey_after_the_nth_order_only(somsri, somchai, on_commit, admin_user):
    settings_update(by=admin_user, after_orders=True, after_orders_count=2, after_orders_kind="csat")
    order(somsri, somchai, on_commit)
    assert not Survey.objects.exists()
    order(somsri, somchai, on_commit)
    survey = Survey.objects.get()
    assert (survey.kind, survey.reason, survey.status, survey.actor_kind) == (
        "csat",
        "order",
        "sent",
        "system",
    )
    assert survey.actor_job == "surveys_after_orders"
    order(somsri, somchai, on_commit)  # the third: not the Nth
    assert Survey.objects.count() == 1


def test_no_survey_when_the_setting_is_off(somsri, somchai, on_commit):
    order(somsri, somchai, on_commit)
    assert not Survey.objects.exists()


def test_no_survey_for_an_old_order_keyed_in(somsri, somchai, on_commit, admin_user):
    settings_update(by=admin_user, after_orders=True, after_orders_count=1)
    order(somsri, somchai, on_commit, days_ago=30)
    assert not Survey.objects.exists()


def test_no_survey_for_an_import(somsri, somchai, on_commit, admin_user):
    """An import's orders are told by orders_imported, which feedback does not hear."""
    settings_update(by=admin_user, after_orders=True, after_orders_count=1)
    announcer = ImportAnnouncer("shop.csv", timezone.now())
    with on_commit():
        announcer.batch(created=5, changed=[], placed_from=timezone.now(), placed_to=timezone.now())
        announcer.end(finished=True)
    assert not Survey.objects.exists()


def test_the_minimum_interval_holds_between_automatic_surveys(somsri, somchai, on_commit, admin_user, lan):
    settings_update(by=admin_user, after_orders=True, after_orders_count=1, after_task=True)
    order(somsri, somchai, on_commit)
    task = task_create(by=lan, customer=somsri, title="Call", due_at=timezone.now(), assignee=lan)
    with on_commit():
        task_complete(by=lan, task=task)
    first, second = Survey.objects.order_by("pk")
    assert (first.reason, first.status) == ("order", "sent")
    assert (second.reason, second.status, second.skip_reason) == ("task", "skipped", "too_soon")


def test_a_survey_after_a_completed_task(somsri, on_commit, admin_user, lan):
    settings_update(by=admin_user, after_task=True, after_task_kind="csat")
    task = task_create(by=lan, customer=somsri, title="Visit", due_at=timezone.now(), assignee=lan)
    with on_commit():
        task_complete(by=lan, task=task)
    survey = Survey.objects.get()
    assert (survey.kind, survey.reason, survey.status, survey.customer) == ("csat", "task", "sent", somsri)


def test_no_survey_after_a_task_when_off(somsri, on_commit, lan):
    task = task_create(by=lan, customer=somsri, title="Visit", due_at=timezone.now(), assignee=lan)
    with on_commit():
        task_complete(by=lan, task=task)
    assert not Survey.objects.exists()
