"""Recurring follow-ups: "call every 90 days" makes the next task once when one is done, and a
follow-up rule ("3 days after each order") makes one task per order and rule, for orders still
recent enough, for the customer's owner or the rule's fallback."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from patron.accounts.models import UserProfile
from patron.conftest import with_token
from patron.customers.tests.factories import make_customer
from patron.sales.events import OrdersImported, orders_imported
from patron.sales.models import Order
from patron.sales.services import order_create
from patron.tasks.models import FollowUpRule, Task
from patron.tasks.recurrence import follow_ups_create, imported_orders, rule_delete, rule_save
from patron.tasks.services import task_cancel, task_complete, task_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def somsri(somchai, thai_shop):
    return make_customer(somchai, "somsri")


def repeating(by, customer, every=90, offsets=(15, 1440)):
    return task_create(
        by=by,
        customer=customer,
        title="Call about the next order",
        kind="call",
        notes="Prefers mornings",
        due_at=timezone.now() + timedelta(days=2),
        assignee=by,
        remind_before_minutes=list(offsets),
        repeat_every_days=every,
    )


def test_a_repeating_task_done_is_followed_once_by_the_next(lan, somsri):
    task = repeating(lan, somsri)
    task.reminders.filter(minutes_before=1440).update(sent_at=timezone.now())  # one went already
    done = task_complete(by=lan, task=task)
    following = Task.objects.get(repeats=task)
    assert following.due_at == done.completed_at + timedelta(days=90)
    assert (following.title, following.kind, following.notes, following.assignee, following.customer) == (
        task.title,
        "call",
        "Prefers mornings",
        lan,
        somsri,
    )
    assert sorted(following.reminders.values_list("minutes_before", flat=True)) == [15, 1440]
    assert following.repeat_every_days == 90 and following.status == "open"
    assert (following.actor_kind, following.actor_job, following.created_by) == ("system", "task_repeat", lan)
    # Completed again: nothing more; and the database holds one follower a task.
    task_complete(by=lan, task=task)
    assert Task.objects.filter(repeats=task).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.create(
            customer=somsri, title="x", due_at=timezone.now(), actor_kind="staff", repeats=task
        )


def test_a_cancelled_repeating_task_ends_the_series_and_a_plain_one_has_no_next(lan, somsri):
    task_cancel(by=lan, task=repeating(lan, somsri))
    plain = repeating(lan, somsri, every=None)
    task_complete(by=lan, task=plain)
    assert Task.objects.count() == 2 and not Task.objects.filter(repeats__isnull=False).exists()


def test_the_next_goes_to_who_completed_it_when_the_assignee_left(lan, emre, somsri):
    task = repeating(lan, somsri)
    task.assignee = emre
    task.save()
    emre.is_active = False
    emre.save()
    task_complete(by=lan, task=task)
    assert Task.objects.get(repeats=task).assignee == lan


@pytest.mark.parametrize("days", [0, 3651, True])
def test_a_rhythm_out_of_bounds_is_refused(lan, somsri, days):
    with pytest.raises(ValidationError) as refused:
        repeating(lan, somsri, every=days)
    assert "repeat_every_days" in refused.value.message_dict


def test_the_api_sets_and_stops_the_rhythm(client, lan, somsri):
    api = with_token(client, lan)
    body = {
        "customer": somsri.pk,
        "title": "Gọi lại",
        "due_at": "2030-05-01T10:00:00+07:00",
        "assignee": "lan",
        "repeat_every_days": 90,
    }
    created = api.post("/api/tasks", body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["repeat_every_days"] == 90 and created.json()["repeats"] is None
    url = f"/api/tasks/{created.json()['id']}"
    refused = api.patch(url, {"repeat_every_days": 0}, content_type="application/json")
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "payload", "repeat_every_days"]
    stopped = api.patch(url, {"repeat_every_days": None}, content_type="application/json")
    assert stopped.status_code == 200 and stopped.json()["repeat_every_days"] is None
    done = api.post(f"{url}/complete", {}, content_type="application/json")
    assert done.status_code == 200 and Task.objects.count() == 1


# Follow-up rules.


def an_order(by, customer, days_ago, **more):
    placed = timezone.now() - timedelta(days=days_ago)
    return order_create(
        customer=customer, placed_at=placed, channel="store", total=Decimal("250"), by=by, **more
    )


def test_only_admins_and_those_allowed_set_rules(somchai, maria, lan):
    with pytest.raises(PermissionDenied):
        rule_save(by=maria, title="Call", kind="call", days_after=3)
    with pytest.raises(ValidationError) as refused:
        rule_save(by=somchai, title="", kind="fax", days_after=-1, remind_before_minutes=[-5])
    assert set(refused.value.message_dict) == {"title", "kind", "days_after", "remind_before_minutes.0"}
    rule = rule_save(by=somchai, title="Ask how the order went", kind="call", days_after=3)
    assert (rule.created_by, rule.active) == (somchai, True)
    rule_delete(by=somchai, rule=rule)


def test_each_order_recorded_makes_one_task_for_the_owner(
    somchai, lan, emre, somsri, django_capture_on_commit_callbacks
):
    somsri.owner = emre
    somsri.save(update_fields=["owner"])
    rule = rule_save(
        by=somchai, title="Ask how the order went", kind="call", days_after=3, remind_before_minutes=[60]
    )
    with django_capture_on_commit_callbacks(execute=True):
        order = an_order(somchai, somsri, days_ago=1)
    task = Task.objects.get(rule=rule)
    assert (task.order, task.customer, task.assignee, task.title) == (
        order,
        somsri,
        emre,
        "Ask how the order went",
    )
    assert task.due_at == order.placed_at + timedelta(days=3)
    assert list(task.reminders.values_list("minutes_before", flat=True)) == [60]
    assert (task.actor_kind, task.actor_job) == ("system", "follow_up_rules")
    # Told again (an event twice, a sweep): still one.
    assert follow_ups_create([order.pk]) == 0
    assert Task.objects.filter(rule=rule, order=order).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.create(
            customer=somsri, title="x", due_at=timezone.now(), actor_kind="staff", rule=rule, order=order
        )


def test_old_orders_returns_and_customers_without_anyone_get_no_task(somchai, lan, somsri, thai_shop):
    rule_save(by=somchai, title="Ask", kind="call", days_after=3)
    old = an_order(somchai, somsri, days_ago=4)  # its task would be past
    cancelled = an_order(somchai, somsri, days_ago=1, status=Order.Status.CANCELLED)
    recent = an_order(somchai, somsri, days_ago=1)  # no owner and no fallback: nobody to give it to
    assert follow_ups_create([old.pk, cancelled.pk, recent.pk]) == 0
    fallback = rule_save(by=somchai, title="Say thanks", kind="email", days_after=2, fallback_assignee=lan)
    assert follow_ups_create([old.pk, cancelled.pk, recent.pk]) == 1
    assert Task.objects.get().rule == fallback and Task.objects.get().assignee == lan


def test_an_import_makes_tasks_only_for_its_recent_orders(
    somchai, lan, somsri, django_capture_on_commit_callbacks
):
    rule_save(by=somchai, title="Ask", kind="call", days_after=7, fallback_assignee=lan)
    started = timezone.now() - timedelta(seconds=1)
    history = [an_order(somchai, somsri, days_ago=days, source="shopify") for days in (400, 30, 8)]
    recent = an_order(somchai, somsri, days_ago=2, source="shopify")
    an_order(somchai, somsri, days_ago=1)  # another source
    assert imported_orders("shopify", started) == [recent.pk]
    event = OrdersImported(
        import_id="i1",
        source="shopify",
        started_at=started,
        created=4,
        changed=0,
        placed_from=history[0].placed_at,
        placed_to=recent.placed_at,
        finished=True,
    )
    Task.objects.all().delete()  # the orders above told orders_recorded in no transaction here
    orders_imported.send(sender=__name__, event=event)
    assert list(Task.objects.values_list("order", flat=True)) == [recent.pk]
    # An import of history alone queues nothing at all.
    Task.objects.all().delete()
    orders_imported.send(
        sender=__name__, event=event.__class__(**{**event.__dict__, "placed_to": history[2].placed_at})
    )
    assert not Task.objects.exists()


def test_the_rules_page_adds_and_deletes_rules(client, somchai, maria, lan):
    client.force_login(maria)
    assert client.get("/tasks/rules/").status_code == 403
    UserProfile.objects.filter(user=somchai).update(language="en")  # the page in English
    client.force_login(somchai)
    body = {
        "title": "Hỏi thăm sau đơn hàng",
        "kind": "call",
        "days_after": "3",
        "remind_before_minutes": "15, 1440",
    }
    refused = client.post("/tasks/rules/", {**body, "remind_before_minutes": "15, soon"})
    assert refused.status_code == 200 and not FollowUpRule.objects.exists()
    import re

    print(re.findall(r"errorlist.*?</ul>", refused.content.decode(), re.S))
    assert "Give whole numbers of minutes" in refused.content.decode()
    too_far = client.post("/tasks/rules/", {**body, "remind_before_minutes": "15, 99999"})
    assert "four weeks" in too_far.content.decode() and not FollowUpRule.objects.exists()
    response = client.post("/tasks/rules/", {**body, "fallback_assignee": lan.pk})
    assert response.status_code == 302
    rule = FollowUpRule.objects.get()
    assert (rule.title, rule.days_after, rule.remind_before_minutes, rule.fallback_assignee) == (
        "Hỏi thăm sau đơn hàng",
        3,
        [15, 1440],
        lan,
    )
    page = client.get("/tasks/rules/").content.decode()
    assert "Hỏi thăm sau đơn hàng" in page and "3 days after each order" in page
    assert client.post(f"/tasks/rules/{rule.pk}/delete/").status_code == 302
    assert not FollowUpRule.objects.exists()
