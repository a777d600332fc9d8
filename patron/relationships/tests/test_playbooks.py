"""Playbooks: the defaults, an Admin's edits (recorded), and the steps acting once per customer
and occasion, on time, and never for what is long past (a history import)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from patron.accounts.services import profile_update
from patron.actors import Actor
from patron.customers.tests.factories import make_customer
from patron.outbox.models import Message
from patron.relationships.models import Level, PlaybookEdit, Step, StepRun
from patron.relationships.playbooks import FIELDS, step_create, step_switch, step_update
from patron.relationships.runner import RECENT, _quarter, playbooks_run
from patron.relationships.services import level_set
from patron.relationships.tests.helpers import at_level, bought
from patron.tasks.models import Task

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system(job="playbooks_run")
CALL = {"action": "task", "task_kind": "call", "title": "Thank-you call", "remind_before_minutes": [60]}


def run(now=None, **kwargs):
    return playbooks_run(by=SYSTEM, now=now, **kwargs)


def test_the_defaults_are_migrated_in():
    steps = {
        (s.level, s.trigger, s.days, s.category, s.action, s.task_kind, s.survey_kind)
        for s in Step.objects.all()
    }
    assert steps == {
        (Level.REACTIVE, "after_order", 7, "", "survey", "", "csat"),
        (Level.ACCOUNTABLE, "after_product", 30, "service plan", "task", "call", ""),
        (Level.PARTNERSHIP, "quarterly", 0, "", "task", "meeting", ""),
    }


def test_an_admin_edits_a_playbook_and_each_edit_is_recorded(somchai):
    step = step_create(by=somchai, level=Level.BASIC, trigger="after_order", days=2, **CALL)
    step_update(by=somchai, step=step, trigger="after_order", days=3, **CALL)
    step_switch(by=somchai, step=step, active=False)
    edits = list(PlaybookEdit.objects.order_by("id").values_list("level", "by__username", "what"))
    assert edits == [
        (
            Level.BASIC,
            "somchai",
            "Added: 2 days after each order: a task (Call) for the owner: Thank-you call",
        ),
        (
            Level.BASIC,
            "somchai",
            "Changed: 3 days after each order: a task (Call) for the owner: Thank-you call",
        ),
        (
            Level.BASIC,
            "somchai",
            "Switched off: 3 days after each order: a task (Call) for the owner: Thank-you call",
        ),
    ]


@pytest.mark.parametrize("user", ["lan", "emre", "maria"])
def test_only_an_admin_edits_a_playbook(staff, user):
    with pytest.raises(PermissionDenied):
        step_create(by=staff(user), level=Level.BASIC, trigger="after_order", days=2, **CALL)
    assert not PlaybookEdit.objects.exists()


def test_a_step_says_what_it_lacks(somchai):
    with pytest.raises(ValidationError) as refused:
        step_create(
            by=somchai, level=Level.BASIC, trigger="after_product", days=-1, action="task", task_kind="x"
        )
    assert set(refused.value.message_dict) == {"days", "category", "task_kind", "title"}
    with pytest.raises(ValidationError) as mail:
        step_create(by=somchai, level=Level.BASIC, trigger="every", days=0, action="email", subject="a\nb")
    assert set(mail.value.message_dict) == {"days", "subject", "body"}


def test_a_service_plan_purchase_brings_a_follow_up_call_30_days_later_once(somchai, emre, thai_shop):
    juan = at_level(somchai, "juan", Level.ACCOUNTABLE, owner=emre)
    order = bought(somchai, juan, days_ago=0, sku="AC-1", category="Service plan")
    bought(somchai, juan, days_ago=0, sku="FAN-1", category="Fans")
    due = order.placed_at + timedelta(days=30)
    assert run(now=due - timedelta(minutes=61)) == {"made": 0, "failed": 0}  # its reminder is further
    assert run(now=due - timedelta(minutes=59)) == {"made": 1, "failed": 0}
    task = Task.objects.get()
    assert (task.customer, task.assignee, task.kind, task.due_at) == (juan, emre, "call", due)
    assert [r.minutes_before for r in task.reminders.all()] == [60]
    assert (task.actor_kind, task.actor_job) == ("system", "playbooks_run")
    assert run(now=due) == {"made": 0, "failed": 0}
    assert run(now=due + timedelta(days=1)) == {"made": 0, "failed": 0}
    (done,) = StepRun.objects.all()
    assert (done.occasion, done.outcome, done.task) == (f"order:{order.pk}", "task", task)


def test_an_order_recorded_now_acts_through_the_order_event(
    somchai, emre, thai_shop, django_capture_on_commit_callbacks
):
    step_create(by=somchai, level=Level.BASIC, trigger="after_order", days=0, **CALL)
    juan = at_level(somchai, "juan", Level.BASIC, owner=emre)
    with django_capture_on_commit_callbacks(execute=True):
        order = bought(somchai, juan)
    task = Task.objects.get(title="Thank-you call")
    assert task.due_at == order.placed_at and task.assignee == emre


def test_a_feedback_request_goes_7_days_after_each_order(somchai, emre, thai_shop):
    from patron.feedback.models import Survey

    juan = at_level(somchai, "juan", Level.REACTIVE, owner=emre)
    order = bought(somchai, juan, days_ago=0)
    run(now=order.placed_at + timedelta(days=6))
    assert not Survey.objects.exists()
    run(now=order.placed_at + timedelta(days=7, minutes=1))
    (survey,) = Survey.objects.all()
    assert (survey.customer, survey.kind, survey.reason) == (juan, "csat", "playbook")
    assert StepRun.objects.get().outcome.startswith("survey_")


def test_an_email_step_writes_to_the_customer_once(somchai, thai_shop):
    step_create(
        by=somchai,
        level=Level.BASIC,
        trigger="entered",
        days=0,
        action="email",
        subject="Welcome, {name}",
        body="Dear {name}, thank you.",
    )
    juan = at_level(somchai, "juan", Level.BASIC)
    run()
    run()
    (message,) = Message.objects.filter(purpose="playbook")
    assert (message.to, message.customer, message.subject) == (
        "Juan.DelaCruz@Example.ph",
        juan,
        "Welcome, Juan dela Cruz",
    )


def test_a_quarterly_review_once_a_quarter(somchai, emre, thai_shop):
    juan = at_level(somchai, "juan", Level.PARTNERSHIP, owner=emre)
    now = timezone.now()
    run(now=now)  # entered this quarter: the review is now
    assert Task.objects.filter(kind="meeting").count() == 1
    run(now=now + timedelta(hours=1))
    assert Task.objects.filter(kind="meeting").count() == 1
    # The next quarter's is made half a day before it starts (its reminder is a day ahead).
    _key, start = _quarter(now + timedelta(days=92))
    run(now=start - timedelta(days=2))
    assert Task.objects.filter(kind="meeting").count() == 1
    run(now=start - timedelta(hours=12))
    run(now=start + timedelta(days=1))
    keys = sorted(StepRun.objects.filter(customer=juan).values_list("occasion", flat=True))
    assert len(keys) == 2 and all(key.startswith("quarter:") for key in keys)
    assert Task.objects.filter(kind="meeting").latest("id").due_at == start


def test_every_n_days_at_the_level(somchai, emre, thai_shop):
    step_create(by=somchai, level=Level.PROACTIVE, trigger="every", days=30, **CALL)
    at_level(somchai, "juan", Level.PROACTIVE, owner=emre)
    now = timezone.now()
    run(now=now)
    assert not Task.objects.exists()  # the first comes 30 days after entering
    run(now=now + timedelta(days=30))
    run(now=now + timedelta(days=31))
    run(now=now + timedelta(days=60))
    assert Task.objects.count() == 2


def test_a_customer_without_an_owner_is_recorded_with_no_task(somchai, thai_shop):
    juan = at_level(somchai, "juan", Level.ACCOUNTABLE)
    order = bought(somchai, juan, sku="AC-1", category="service plan")
    run(now=order.placed_at + timedelta(days=30))
    assert not Task.objects.exists()
    assert StepRun.objects.get().outcome == "no_owner"


def test_a_history_import_creates_nothing(somchai, emre, thai_shop, tmp_path):
    """Orders of the past year imported today: only an occasion within RECENT is acted on."""
    from patron.customers.services import CustomerData, customer_create
    from patron.imports.orders import import_orders

    step_create(by=somchai, level=Level.BASIC, trigger="after_order", days=0, **CALL)
    customers = []
    for n in range(5):
        customer = customer_create(
            data=CustomerData(
                display_name=f"C{n}", country="TH", external_ids=[("pos", f"C{n}")], owner="emre"
            ),
            by=somchai,
        )
        level_set(by=somchai, customer=customer, level=Level.BASIC, reason="Old customer")
        customers.append(customer)
    today = timezone.localdate()
    rows = [
        f"O{n}-{age},C{n},{today - timedelta(days=age):%Y-%m-%d} 10:00,500,THB"
        for n in range(5)
        for age in (400, 200, 30, 3)
    ]
    path = tmp_path / "orders.csv"
    path.write_text("\n".join(["order_id,customer_id,date,total,currency", *rows]) + "\n", encoding="utf-8")
    summary = import_orders(path, by=somchai, source="pos", rejects_path=tmp_path / "rejects.csv")
    assert summary.rejected == 0
    assert run() == {"made": 0, "failed": 0}
    assert not Task.objects.exists() and not StepRun.objects.exists()


def test_recent_orders_of_an_import_within_the_window_are_acted_on(somchai, emre, thai_shop):
    step_create(by=somchai, level=Level.BASIC, trigger="after_order", days=0, **CALL)
    juan = at_level(somchai, "juan", Level.BASIC, owner=emre)
    bought(somchai, juan, at=timezone.now() - RECENT + timedelta(hours=1))
    bought(somchai, juan, at=timezone.now() - RECENT - timedelta(hours=1))
    assert run() == {"made": 1, "failed": 0}


def test_a_switched_off_step_acts_no_more(somchai, emre, thai_shop):
    step = step_create(by=somchai, level=Level.BASIC, trigger="after_order", days=0, **CALL)
    step_switch(by=somchai, step=step, active=False)
    juan = at_level(somchai, "juan", Level.BASIC, owner=emre)
    bought(somchai, juan)
    assert run() == {"made": 0, "failed": 0}


def test_a_customer_at_another_level_is_left_alone(somchai, emre, thai_shop):
    juan = make_customer(somchai, "juan")
    bought(somchai, juan, sku="AC-1", category="service plan", days_ago=30)
    assert run() == {"made": 0, "failed": 0}


def test_entering_a_level_runs_its_playbook_through_the_queued_job(
    somchai, emre, thai_shop, django_capture_on_commit_callbacks
):
    step_create(by=somchai, level=Level.PROACTIVE, trigger="entered", days=0, **CALL)
    juan = make_customer(somchai, "juan")
    juan.owner = emre
    juan.save(update_fields=["owner"])
    with django_capture_on_commit_callbacks(execute=True):
        change = level_set(by=somchai, customer=juan, level=Level.PROACTIVE, reason="Co-designs with us")
    (run,) = StepRun.objects.all()
    assert (run.occasion, run.outcome, run.task.assignee) == (f"entered:{change.pk}", "task", emre)
    with django_capture_on_commit_callbacks(execute=True):
        level_set(by=somchai, customer=juan, level=Level.BASIC, reason="Stopped")
    assert StepRun.objects.count() == 1  # basic's playbook has no step on entering


def test_a_default_step_s_task_is_titled_in_its_assignee_s_language_until_an_admin_rewords_it(
    somchai, emre, thai_shop
):
    profile_update(user=emre, language="tr")
    juan = at_level(somchai, "juan", Level.PARTNERSHIP, owner=emre)
    run()
    task = Task.objects.get(kind="meeting")
    assert task.title == "Üç aylık değerlendirme toplantısı"
    step = Step.objects.get(level=Level.PARTNERSHIP)
    values = {name: getattr(step, name) for name in FIELDS}
    step_update(by=somchai, step=step, **(values | {"title": "Quarterly review meeting with the buyer"}))
    Task.objects.all().delete()
    StepRun.objects.all().delete()
    run()
    assert Task.objects.get(customer=juan).title == "Quarterly review meeting with the buyer"
