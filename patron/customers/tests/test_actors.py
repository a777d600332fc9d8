"""Actors: staff, the customer on their own records, the system in a job. Each is checked by the
one permission function and recorded beside what it did (patron.actors)."""

from datetime import UTC, datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from patron.accounts.permissions import CUSTOMER_PERMISSIONS, allowed, require
from patron.actors import Actor
from patron.customers.erasure import customer_erase
from patron.customers.export import customer_export
from patron.customers.models import AuditEvent, ConsentEvent
from patron.customers.services import CustomerData, consent_record, customer_update
from patron.customers.tests.constraints import accepted, refused
from patron.customers.tests.factories import make_customer
from patron.duplicates import jobs
from patron.duplicates.merging import customer_merge
from patron.duplicates.models import DuplicateScan, Merge
from patron.imports.customers import import_customers
from patron.imports.models import ImportRun
from patron.imports.tests.test_upload_pages import CUSTOMERS, start, upload
from patron.jobs.models import FailedJob
from patron.scoring.jobs import score_customers_nightly
from patron.scoring.models import ScoringRun
from patron.scoring.services import scoring_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def somsri(somchai, thai_shop):
    return make_customer(somchai, "somsri")


@pytest.fixture
def juan(somchai, thai_shop):
    return make_customer(somchai, "juan")


def withdraw(customer, by):
    return consent_record(
        customer=customer, channel="email", purpose="marketing", granted=False, source="portal", by=by
    )


# --------------------------------------------------------------------------- a customer


def test_a_customer_records_and_withdraws_their_own_consent_as_themselves(client, somchai, somsri):
    myself = Actor.customer(somsri)
    consent_record(
        customer=somsri, channel="email", purpose="marketing", granted=True, source="portal", by=myself
    )
    event = withdraw(somsri, myself)
    assert (event.actor_kind, event.actor_customer_id, event.recorded_by, event.actor_job) == (
        "customer",
        somsri.pk,
        None,
        "",
    )
    assert not somsri.consents.get(channel="email", purpose="marketing").granted
    audit = AuditEvent.objects.filter(customer=somsri, action="consent")
    assert [(a.actor_kind, a.actor_customer_id, a.actor_id) for a in audit] == [
        ("customer", somsri.pk, None)
    ] * 2
    # The page says who, in Somchai's Thai: the customer, and the staff member who made the record.
    client.force_login(somchai)
    html = client.get(reverse("customers:detail", args=[somsri.pk])).content.decode()
    assert "ลูกค้าเอง" in html and "somchai (พนักงาน)" in html


def test_a_customer_may_not_touch_another_customers_record(somsri, juan):
    somsri_herself = Actor.customer(somsri)
    with pytest.raises(PermissionDenied):
        withdraw(juan, somsri_herself)
    with pytest.raises(PermissionDenied):
        customer_export(customer=juan, by=somsri_herself)
    assert not ConsentEvent.objects.filter(customer=juan).exists()
    copy = customer_export(customer=somsri, by=somsri_herself)
    assert (copy["exported_by_kind"], copy["exported_by"]) == ("customer", None)
    assert [row["actor_kind"] for row in copy["data"]["audit"]] == ["staff"]  # made by Somchai
    exported = AuditEvent.objects.get(customer=somsri, action="export")
    assert (exported.actor_kind, exported.actor_customer_id) == ("customer", somsri.pk)


def test_a_customer_may_not_do_what_only_staff_do(somsri, juan, tmp_path):
    herself = Actor.customer(somsri)
    with pytest.raises(PermissionDenied):
        customer_update(customer=somsri, data=CustomerData(given_name="Somsri"), by=herself)
    with pytest.raises(PermissionDenied):
        customer_merge(survivor=somsri, merged=juan, choices={}, by=herself)
    with pytest.raises(PermissionDenied):
        customer_erase(customer=somsri, reason="Asked", by=herself)
    path = tmp_path / "customers.csv"
    path.write_text(CUSTOMERS, encoding="utf-8")
    with pytest.raises(PermissionDenied):
        import_customers(path, by=herself, source="pos", rejects_path=tmp_path / "rejects.csv")
    assert not Merge.objects.exists() and somsri.erased_at is None


def test_what_a_customer_may_do_is_listed_in_one_place_and_only_on_their_own_record(somsri, juan):
    herself = Actor.customer(somsri)
    for permission in CUSTOMER_PERMISSIONS:
        assert allowed(herself, permission, customer=somsri)
        assert not allowed(herself, permission, customer=juan)
        assert not allowed(herself, permission)  # an action on no record in particular
    assert not allowed(herself, "customers.change_customer", customer=somsri)
    assert not allowed(herself, "customers.add_consentevent", "customers.change_customer", customer=somsri)


# --------------------------------------------------------------------------- staff and the system


def test_staff_act_by_their_roles_and_an_inactive_user_by_none(somchai, maria, somsri):
    assert allowed(somchai, "customers.change_customer", customer=somsri)
    assert allowed(Actor.staff(somchai), "customers.change_customer")
    assert not allowed(maria, "customers.change_customer")  # an analyst reads
    somchai.is_active = False
    with pytest.raises(PermissionDenied):
        require(somchai, "customers.view_customer")
    with pytest.raises(PermissionDenied):
        require(None, "customers.view_customer")


def test_the_system_acts_with_the_permissions_of_who_asked_or_all_when_scheduled(maria, somchai, somsri):
    asked_by_analyst = Actor.system(job="run_execute", requested_by=maria)
    with pytest.raises(PermissionDenied):
        customer_update(customer=somsri, data=CustomerData(given_name="Somsri"), by=asked_by_analyst)
    assert allowed(Actor.system(job="score_customers_nightly"), "scoring.run_scoring")
    with pytest.raises(ValueError, match="job"):
        Actor.system(job="")
    asked = Actor.for_job("run_execute", somchai.pk)
    assert (asked.kind, asked.user, asked.job) == ("system", somchai, "run_execute")
    with pytest.raises(PermissionDenied):  # who asked was deleted since: not taken as scheduled
        Actor.for_job("run_execute", somchai.pk + 1000)
    event = withdraw(somsri, Actor.system(job="run_execute", requested_by=somchai))
    assert (event.actor_kind, event.actor_job, event.recorded_by, event.actor_customer_id) == (
        "system",
        "run_execute",
        somchai,
        None,
    )


def test_a_merge_records_its_actor(somchai, somsri, juan):
    merge = customer_merge(survivor=somsri, merged=juan, choices={}, by=somchai)
    assert (merge.actor_kind, merge.by, merge.actor_job) == ("staff", somchai, "")
    audit = AuditEvent.objects.filter(action="merge").values_list("actor_kind", "actor_id")
    assert list(audit) == [("staff", somchai.pk)] * 2


def test_a_merge_in_a_job_records_the_system_and_who_asked(somchai, somsri, juan):
    merge = customer_merge(
        survivor=somsri, merged=juan, choices={}, by=Actor.system(job="merge_run", requested_by=somchai)
    )
    assert (merge.actor_kind, merge.by, merge.actor_job) == ("system", somchai, "merge_run")


# --------------------------------------------------------------------------- jobs


@pytest.mark.django_db(transaction=True)
def test_a_web_import_writes_as_the_system_asked_by_who_started_it(
    client, somchai, thai_shop, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    client.force_login(somchai)
    upload(client, CUSTOMERS)  # committed: its preview job runs after the commit
    start(client, ImportRun.objects.get())
    created = AuditEvent.objects.filter(action="create")
    assert created.count() == 2  # one row of three is rejected
    assert set(created.values_list("actor_kind", "actor_job", "actor_id", "actor_customer_id")) == {
        ("system", "run_execute", somchai.pk, None)
    }
    page = client.get(reverse("customers:detail", args=[created.first().customer_id]))
    assert "ระบบ: การนำเข้า ตามคำขอของ somchai" in page.content.decode()  # Somchai reads Thai


def test_the_bulk_import_path_records_the_actor_it_is_given(somchai, thai_shop, tmp_path):
    path = tmp_path / "customers.csv"
    path.write_text(CUSTOMERS, encoding="utf-8")
    import_customers(path, by=somchai, source="pos", rejects_path=tmp_path / "rejects.csv")
    rows = AuditEvent.objects.values_list("actor_kind", "actor_job", "actor_id")
    assert len(rows) == 2 and set(rows) == {("staff", "", somchai.pk)}


def test_a_job_is_queued_only_after_the_commit_and_carries_who_asked(
    lan, thai_shop, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as queued,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        scoring_request(by=lan)
        raise RuntimeError("the request fails after asking")
    assert queued == [] and not ScoringRun.objects.exists()  # nothing queued for a rollback

    with django_capture_on_commit_callbacks(execute=True) as queued:
        with transaction.atomic():
            run, joined = scoring_request(by=lan)
        assert not joined and ScoringRun.objects.get(pk=run.pk).status == "queued"  # not yet run
    (job,) = queued
    assert job.args == (run.pk,) and job.keywords == {"requested_by": lan.pk}
    run.refresh_from_db()
    assert run.status == "done"  # run once the callbacks of the commit ran (the test queue runs at once)
    assert (run.requested_by, run.actor_kind, run.actor_job) == (lan, "staff", "")


def test_a_scoring_run_records_who_asked_from_the_page_the_cli_or_the_schedule(
    client, lan, somchai, thai_shop, django_capture_on_commit_callbacks
):
    client.force_login(lan)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("scoring:score"))
    from_page = ScoringRun.objects.get()
    assert (from_page.requested_by, from_page.actor_kind, from_page.status) == (lan, "staff", "done")

    call_command("score", "--as", "somchai", "--json", stdout=StringIO())
    from_cli = ScoringRun.objects.latest("pk")
    assert (from_cli.requested_by, from_cli.actor_kind) == (somchai, "staff")

    with django_capture_on_commit_callbacks(execute=True):
        score_customers_nightly.call_local()
    nightly = ScoringRun.objects.latest("pk")
    assert (nightly.requested_by, nightly.actor_kind, nightly.actor_job) == (
        None,
        "system",
        "score_customers_nightly",
    )


# --------------------------------------------------------------------------- the database


def test_the_database_refuses_an_unknown_actor_kind(somchai, somsri, juan):
    audit = AuditEvent.objects.filter(customer=somsri)
    refused(audit, "audit_actor_kind_known", actor_kind="robot")
    refused(audit, "audit_actor_kind_known", actor_kind="")
    for kind in ("staff", "customer", "system"):
        accepted(audit, actor_kind=kind)
    withdraw(somsri, somchai)
    refused(
        ConsentEvent.objects.filter(customer=somsri), "consent_event_actor_kind_known", actor_kind="robot"
    )
    customer_merge(survivor=somsri, merged=juan, choices={}, by=somchai)
    refused(Merge.objects.all(), "merge_actor_kind_known", actor_kind="robot")
    run = ScoringRun.objects.create(
        started_at=datetime(2026, 11, 2, tzinfo=UTC), currency="THB", status="done", actor_kind="system"
    )
    refused(ScoringRun.objects.filter(pk=run.pk), "scoring_run_actor_kind_known", actor_kind="robot")


def test_a_failed_job_keeps_the_id_of_who_asked(lan, thai_shop):
    now = timezone.now()
    scan = DuplicateScan.objects.create(
        requested_by=lan, min_score=Decimal("0.5"), queued_at=now, heartbeat_at=now, status="queued"
    )
    gone = lan.pk + 1000  # who asked was deleted since: the job may do nothing
    jobs.scan_run(scan.pk, requested_by=gone)
    failed = FailedJob.objects.get()
    assert f"'requested_by': {gone}" in failed.arguments and failed.error.startswith("PermissionDenied")
    assert DuplicateScan.objects.get(pk=scan.pk).status == "queued"
