"""One search for duplicates at a time: a request while one is queued or running joins it; a
scan that shows no sign of life for STALE_AFTER blocks nothing; two requests at once queue one."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from patron.accounts.services import token_create
from patron.duplicates.jobs import scan_run
from patron.duplicates.models import DuplicatePair, DuplicateScan
from patron.duplicates.scanning import scan_request
from patron.duplicates.tests.factories import an_at_the_shop, an_on_the_web
from patron.jobs.single_run import STALE_AFTER, STALE_NOTE
from patron.scoring.tests.side_by_side import REQUESTS, side_by_side

Status = DuplicateScan.Status


def active_scan(status, by, since=None):
    since = since or timezone.now()
    return DuplicateScan.objects.create(
        status=status, requested_by=by, min_score=Decimal("0.5"), queued_at=since, heartbeat_at=since
    )


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.QUEUED, Status.RUNNING])
def test_a_request_while_a_scan_is_queued_or_running_joins_it(lan, thai_shop, status):
    scan = active_scan(status, lan)
    joined_scan, joined = scan_request(by=lan)
    assert joined and joined_scan.pk == scan.pk
    assert DuplicateScan.objects.count() == 1


@pytest.mark.django_db
def test_the_page_says_the_request_joined_the_scan(client, lan, thai_shop):
    active_scan(Status.RUNNING, lan)
    client.force_login(lan)
    response = client.post(reverse("duplicates:scan"), follow=True)
    assert "yêu cầu của bạn được gộp vào lượt đó" in response.content.decode()  # lan reads Vietnamese
    assert DuplicateScan.objects.count() == 1


@pytest.mark.django_db
def test_a_scan_is_queued_run_and_recorded(somchai, thai_shop, django_capture_on_commit_callbacks):
    an_at_the_shop(somchai), an_on_the_web(somchai)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        scan, joined = scan_request(by=somchai)
        assert scan.status == Status.QUEUED  # its job waits for the commit
    assert not joined and len(queued) == 1
    scan.refresh_from_db()
    assert (scan.status, scan.found, scan.created) == (Status.DONE, 1, 1)  # the test queue runs at once
    assert DuplicatePair.objects.count() == 1


@pytest.mark.django_db
def test_a_scan_silent_too_long_is_failed_and_a_new_one_queued(
    lan, thai_shop, django_capture_on_commit_callbacks
):
    dead = active_scan(Status.RUNNING, lan, since=timezone.now() - STALE_AFTER - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        scan, joined = scan_request(by=lan)
    dead.refresh_from_db()
    scan.refresh_from_db()
    assert (dead.status, dead.note) == (Status.FAILED, STALE_NOTE)
    assert not joined and scan.pk != dead.pk and scan.status == Status.DONE


@pytest.mark.django_db
def test_a_scan_taken_or_retired_meanwhile_is_not_run_again(lan, thai_shop):
    scan = active_scan(Status.QUEUED, lan)
    DuplicateScan.objects.filter(pk=scan.pk).update(status=Status.FAILED, note=STALE_NOTE)
    scan_run.call_local(scan.pk, requested_by=lan.pk)
    scan.refresh_from_db()
    assert scan.status == Status.FAILED


@pytest.mark.django_db(transaction=True)
def test_requests_side_by_side_queue_one_scan(lan, thai_shop, tmp_path):
    results, rows, queued = side_by_side(
        "patron.duplicates.scanning:scan_request", lan.username, "duplicates_duplicatescan", tmp_path
    )
    ((scan_id, status),) = rows
    assert status == Status.QUEUED and queued == 1
    assert {made for made, _joined in results} == {scan_id}
    assert sorted(joined for _made, joined in results) == [False] + [True] * (REQUESTS - 1)


@pytest.mark.django_db
def test_the_api_queues_a_scan_then_joins_the_one_running(
    client, somchai, thai_shop, django_capture_on_commit_callbacks
):
    an_at_the_shop(somchai), an_on_the_web(somchai)
    _token, secret = token_create(user=somchai, name="tests")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post("/api/duplicate-scans?min_score=0.5", **auth)
    assert first.status_code == 202
    assert DuplicateScan.objects.get().status == "done"  # its job ran once the request committed
    assert first.json() | {"queued_at": None} == {
        "id": DuplicateScan.objects.get().pk,
        "status": "queued",
        "min_score": 0.5,
        "queued_at": None,
        "finished_at": None,
        "found": 0,
        "created": 0,
        "note": "",
        "joined": False,
    }
    running = active_scan(Status.RUNNING, somchai)
    second = client.post("/api/duplicate-scans", **auth)
    assert (second.status_code, second.json()["id"], second.json()["joined"]) == (202, running.pk, True)
    listed = client.get("/api/duplicate-scans", HTTP_AUTHORIZATION=f"Bearer {secret}").json()
    assert [scan["id"] for scan in listed["items"]] == [running.pk, first.json()["id"]]
