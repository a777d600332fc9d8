"""The once-each constraint with two playbook runs side by side on PostgreSQL: threads, each its
own connection, acting on the same occasions at the same moment; each occasion makes one task."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from patron.actors import Actor
from patron.relationships.models import Level, StepRun
from patron.relationships.playbooks import step_create
from patron.relationships.runner import act, occasions, playbooks_run
from patron.relationships.tests.helpers import at_level, bought
from patron.tasks.models import Task

CALL = {"action": "task", "task_kind": "call", "title": "Thank-you call", "remind_before_minutes": [60]}
KEYS = ["juan", "somsri", "sukru_isik", "nguyen_van_an", "istanbul_shop"]


def side_by_side(*targets):
    start, errors = threading.Barrier(len(targets)), []

    def work(target):
        try:
            start.wait()
            target()
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_two_runs_side_by_side_make_each_task_once(staff):
    if connection.vendor != "postgresql":
        pytest.skip("threads share one database on PostgreSQL; SQLite's test database is in memory")
    somchai, emre = staff("somchai"), staff("emre")
    from patron.workspace.models import Workspace

    Workspace.objects.update_or_create(
        pk=1, defaults={"country": "TH", "currency": "THB", "time_zone": "Asia/Bangkok"}
    )
    step = step_create(by=somchai, level=Level.BASIC, trigger="after_order", days=0, **CALL)
    for key in KEYS:
        customer = at_level(somchai, key, Level.BASIC, owner=emre)
        for days in (0, 1):
            bought(somchai, customer, at=timezone.now() - timedelta(days=days))
    Task.objects.all().delete()
    StepRun.objects.all().delete()  # what the order events made: the runs below make it again
    by = Actor.system(job="playbooks_run")
    found = list(occasions(step, timezone.now()))
    assert len(found) == 10
    # The same occasion, acted on by two threads at the same moment, many times over.
    outcomes = []
    for customer_id, key, at in found:
        errors = side_by_side(
            *(lambda c=customer_id, k=key, a=at: outcomes.append(act(step, c, k, a, by=by)) for _ in range(2))
        )
        assert errors == []
    assert sum(run is not None for run in outcomes) == 10
    assert Task.objects.count() == 10
    # Then two whole runs side by side (as the hourly job and an order's job could).
    StepRun.objects.all().delete()
    Task.objects.all().delete()
    results = []
    errors = side_by_side(*(lambda: results.append(playbooks_run(by=by)) for _ in range(2)))
    assert errors == []
    assert sum(result["made"] for result in results) == 10
    assert sum(result["failed"] for result in results) == 0
    assert Task.objects.count() == 10
    assert StepRun.objects.count() == 10
