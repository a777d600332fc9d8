"""One scoring run at a time: a request while one is queued or running joins it; a run that
shows no sign of life for STALE_AFTER blocks nothing; two requests at once queue one run."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from patron.conftest import with_token
from patron.jobs.single_run import STALE_AFTER, STALE_NOTE
from patron.sales.events import OrdersImported
from patron.scoring.jobs import customers_score, score_imported_orders
from patron.scoring.models import ScoringRun
from patron.scoring.services import scoring_request
from patron.scoring.tests.side_by_side import REQUESTS, side_by_side

Status = ScoringRun.Status


def active_run(status, since=None):
    since = since or timezone.now()
    return ScoringRun.objects.create(
        status=status, started_at=since, heartbeat_at=since, currency="THB", actor_kind="system"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.QUEUED, Status.RUNNING])
def test_the_api_joins_the_run_queued_or_running(client, thai_shop, lan, status):
    run = active_run(status)
    response = with_token(client, lan).post("/api/scoring-runs")
    assert response.status_code == 202
    body = response.json()
    assert (body["id"], body["status"], body["joined"]) == (run.pk, status, True)
    assert ScoringRun.objects.count() == 1


@pytest.mark.django_db
def test_the_api_queues_a_run_when_none_is_active(client, thai_shop, lan, django_capture_on_commit_callbacks):
    ScoringRun.objects.create(
        status=Status.DONE, started_at=timezone.now(), currency="THB", actor_kind="system"
    )
    with django_capture_on_commit_callbacks(execute=True) as queued:
        body = with_token(client, lan).post("/api/scoring-runs").json()
        assert body["joined"] is False
        assert body["status"] == Status.QUEUED  # its job is queued once the request commits
    assert len(queued) == 1
    run = ScoringRun.objects.get(pk=body["id"])
    assert run.status == Status.DONE  # the test queue runs jobs at once
    assert (run.requested_by, run.actor_kind, run.actor_job) == (lan, "staff", "")
    assert ScoringRun.objects.count() == 2


@pytest.mark.django_db
def test_the_page_says_the_request_joined_the_run(client, thai_shop, lan):
    active_run(Status.RUNNING)
    client.force_login(lan)
    response = client.post(reverse("scoring:score"), follow=True)
    assert "yêu cầu của bạn được gộp vào lượt đó" in response.content.decode()  # lan reads Vietnamese
    assert ScoringRun.objects.count() == 1


@pytest.mark.django_db
def test_a_run_silent_too_long_is_failed_and_a_new_one_queued(
    thai_shop, lan, django_capture_on_commit_callbacks
):
    dead = active_run(Status.RUNNING, since=timezone.now() - STALE_AFTER - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        run, joined = scoring_request(by=lan)
    dead.refresh_from_db()
    run.refresh_from_db()
    assert (dead.status, dead.note) == (Status.FAILED, STALE_NOTE)
    assert not joined and run.pk != dead.pk and run.status == Status.DONE


@pytest.mark.django_db
def test_the_note_of_a_run_taken_as_stopped_is_read_in_the_readers_language(client, thai_shop, lan):
    dead = active_run(Status.RUNNING, since=timezone.now() - STALE_AFTER - timedelta(seconds=1))
    scoring_request(by=lan)
    runs = with_token(client, lan).get("/api/scoring-runs", HTTP_ACCEPT_LANGUAGE="vi").json()["items"]
    note = next(item["note"] for item in runs if item["id"] == dead.pk)
    assert note == "Không có dấu hiệu hoạt động trong 30 phút: coi như đã dừng."


@pytest.mark.django_db
def test_an_import_during_a_run_has_it_run_once_more(thai_shop, django_capture_on_commit_callbacks):
    running = active_run(Status.RUNNING)
    imported = OrdersImported("1", "pos", timezone.now(), 1, 0, timezone.now(), timezone.now(), finished=True)
    score_imported_orders(None, event=imported)
    running.refresh_from_db()
    assert running.again and ScoringRun.objects.count() == 1
    # The job of a run asked to go again queues the next one when it is done.
    ScoringRun.objects.filter(pk=running.pk).update(status=Status.DONE)
    queued = active_run(Status.QUEUED)
    ScoringRun.objects.filter(pk=queued.pk).update(again=True)
    with django_capture_on_commit_callbacks(execute=True):
        customers_score.call_local(queued.pk)
    assert list(ScoringRun.objects.values_list("status", flat=True)) == [Status.DONE] * 3
    again = ScoringRun.objects.latest("pk")
    assert (again.actor_kind, again.actor_job, again.requested_by) == ("system", "customers_score", None)


@pytest.mark.django_db
def test_a_queued_run_taken_by_another_worker_is_not_scored_twice(thai_shop):
    run = active_run(Status.QUEUED)
    ScoringRun.objects.filter(pk=run.pk).update(status=Status.FAILED, note=STALE_NOTE)
    customers_score.call_local(run.pk)
    run.refresh_from_db()
    assert run.status == Status.FAILED and ScoringRun.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_requests_side_by_side_queue_one_run(thai_shop, lan, tmp_path):
    results, rows, queued = side_by_side(
        "patron.scoring.services:scoring_request", lan.username, "scoring_scoringrun", tmp_path
    )
    ((run_id, status),) = rows
    assert status == Status.QUEUED and queued == 1
    assert {made for made, _joined in results} == {run_id}
    assert sorted(joined for _made, joined in results) == [False] + [True] * (REQUESTS - 1)


@pytest.mark.django_db
def test_patron_score_takes_the_queued_run_and_refuses_beside_a_running_one(thai_shop, somchai):
    queued = active_run(Status.QUEUED)
    call_command("score", "--as", "somchai", "--json", stdout=StringIO())
    queued.refresh_from_db()
    assert queued.status == Status.DONE and ScoringRun.objects.count() == 1

    active_run(Status.RUNNING)
    with pytest.raises(CommandError, match="already running"):
        call_command("score", "--as", "somchai", "--json", stdout=StringIO())
