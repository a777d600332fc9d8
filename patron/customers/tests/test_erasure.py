"""Erasing a person: afterwards none of their values is anywhere in the database or the data
directory, while their orders stay as anonymous sales."""

import contextlib
import json
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone, translation

from patron.conftest import with_token
from patron.customers.erasure import customer_erase
from patron.customers.export import customer_export
from patron.customers.models import AuditEvent, Customer
from patron.customers.services import CustomerData, consent_record, customer_create, customer_update
from patron.duplicates.merging import customer_merge, merge_undo
from patron.duplicates.tests.factories import make_pair
from patron.imports.models import ImportRun
from patron.imports.tests.test_upload_pages import start, upload
from patron.interactions.services import interaction_log
from patron.jobs.models import FailedJob
from patron.organisations.services import organisation_create
from patron.sales.models import Order
from patron.sales.services import order_create
from patron.scoring.models import CustomerScore
from patron.scoring.services import customers_score
from patron.web.tests.test_cli import environment

pytestmark = pytest.mark.django_db

# What names Wiparat, now and in the past; none may remain.
VALUES = [
    "วิภารัตน์",
    "ศรีสวัสดิ์",
    "wiparat.s@example.co.th",
    "wiparat.old@example.com",
    "+66817773344",
    "0817773344",
    "081 777 3344",
    "C9017",
    "1987-03-14",
    "99/1 ซอยสุขุมวิท 24",
    "Wipa S.",
]
FILE = (
    "รหัสลูกค้า,ชื่อ,เบอร์โทร,อีเมล\n"
    "C9017,วิภารัตน์ ศรีสวัสดิ์,081 777 3344,wiparat.s@example.co.th\n"
    "C9018,วิภารัตน์ ศรีสวัสดิ์,12,wiparat.s@example.co.th\n"  # rejected: its cells go to the rejects
    "C003,มาลี ศรีสุข,089-765-4321,malee@example.co.th\n"
)


def everything_held(data_dir):
    """Every cell of every table (JSON also as it reads), and every file of the data directory."""
    texts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for cell in row:
                    text = (
                        cell.decode("utf-8", "replace") if isinstance(cell, bytes | memoryview) else str(cell)
                    )
                    texts.append(text)
                    if text[:1] in "[{":
                        with contextlib.suppress(ValueError):
                            texts.append(json.dumps(json.loads(text), ensure_ascii=False))
    texts += [path.read_bytes().decode("utf-8", "replace") for path in data_dir.rglob("*") if path.is_file()]
    return "\n".join(texts).casefold()


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def wiparat(client, somchai, thai_shop, data_dir, django_capture_on_commit_callbacks):
    """Wiparat, touched by every app: an import (with a rejected row), a second record merged into
    the first, orders, an interaction, a consent, a score, a duplicate pair, a failed job, an
    organisation's notes, an export, and an e-mail changed since."""
    client.force_login(somchai)
    with django_capture_on_commit_callbacks(execute=True):  # its preview is read after the commit
        upload(client, FILE)
    with django_capture_on_commit_callbacks(execute=True):  # and the import run
        start(client, ImportRun.objects.get())
    run = ImportRun.objects.get()
    assert run.status == "finished" and run.summary["rejected"] == 1
    person = Customer.objects.get(external_ids__value="C9017")
    customer_update(
        customer=person,
        data=CustomerData(
            emails=["wiparat.old@example.com"],
            birthday=date(1987, 3, 14),
            attributes={"address": "99/1 ซอยสุขุมวิท 24"},
        ),
        by=somchai,
    )
    customer_update(customer=person, data=CustomerData(emails=["wiparat.s@example.co.th"]), by=somchai)
    again = customer_create(data=CustomerData(display_name="Wipa S.", phones=["081 777 3344"]), by=somchai)
    customer_merge(survivor=person, merged=again, by=somchai)
    malee = Customer.objects.get(external_ids__value="C003")
    make_pair(person, malee)
    for days, total in ((40, "350.00"), (12, "1200.50")):
        order_create(
            customer=person,
            placed_at=timezone.now() - timedelta(days=days),
            channel="store",
            total=Decimal(total),
            by=somchai,
        )
    order_create(
        customer=malee,
        placed_at=timezone.now() - timedelta(days=3),
        channel="store",
        total=Decimal("99"),
        by=somchai,
    )
    interaction_log(
        by=somchai,
        customer=person,
        channel="phone",
        direction="inbound",
        subject="วิภารัตน์ asked about durian",
        body="Call back on 081 777 3344",
    )
    consent_record(
        customer=person, channel="email", purpose="marketing", granted=True, source="shop form", by=somchai
    )
    customers_score(by=somchai)
    FailedJob.objects.create(
        task_id="t1",
        name="imports.import_run",
        arguments=repr(((run.pk, "wiparat.s@example.co.th"), {})),
        error="ValueError: no rate for วิภารัตน์ ศรีสวัสดิ์",
    )
    organisation_create(by=somchai, name="Sukhumvit Florists", kind="supplier", notes="Wipa S. introduced us")
    customer_export(customer=person, by=somchai)
    assert CustomerScore.objects.filter(customer=person).exists()
    translation.activate("en")  # somchai's pages left his Thai active
    return person


def test_nothing_of_the_person_remains_but_their_orders_as_anonymous_sales(
    wiparat, somchai, data_dir, django_capture_on_commit_callbacks
):
    held = everything_held(data_dir)
    assert all(value.casefold() in held for value in VALUES)  # the search finds them before
    revenue = Order.objects.aggregate(total=Sum("total_base"))["total"]
    orders = Order.objects.filter(customer=wiparat).count()

    with django_capture_on_commit_callbacks(execute=True):  # files go once the erasure commits
        erased = customer_erase(
            customer=wiparat, reason="Asked on LINE, 5 Dec; her e-mail wiparat.s@example.co.th", by=somchai
        )

    held = everything_held(data_dir)
    assert [value for value in VALUES if value.casefold() in held] == []
    assert Order.objects.aggregate(total=Sum("total_base"))["total"] == revenue
    assert Order.objects.filter(customer=erased).count() == orders
    assert erased.display_name == f"#{erased.pk}" and erased.erased_at is not None
    assert erased.country == "TH"  # not a person's: figures by country keep it
    # Another person in the same import, pair and data is untouched, but for the deleted file.
    assert "มาลี ศรีสุข" in held and "malee@example.co.th" in held
    run = ImportRun.objects.get()
    assert run.stored_path == "" and run.reject_path == ""
    event = AuditEvent.objects.get(customer=erased, action=AuditEvent.Action.ERASE)
    assert event.actor == somchai and event.changes == {
        "reason": [None, "Asked on LINE, 5 Dec; her e-mail [erased]"]
    }


def test_an_erased_person_cannot_be_changed_merged_back_or_erased_again(wiparat, somchai):
    erased = customer_erase(customer=wiparat, reason="Asked by e-mail", by=somchai)
    merge = erased.merges_kept.get()
    with pytest.raises(ValidationError, match="erased"):
        merge_undo(merge=merge, by=somchai)
    with pytest.raises(ValidationError, match="erased"):
        customer_update(customer=erased, data=CustomerData(given_name="W"), by=somchai)
    with pytest.raises(ValidationError, match="erased"):
        consent_record(
            customer=erased, channel="sms", purpose="marketing", granted=True, source="x", by=somchai
        )
    with pytest.raises(ValidationError, match="already"):
        customer_erase(customer=erased, reason="again", by=somchai)


def test_only_an_admin_erases_with_a_reason_and_the_survivor_not_a_merged_record(wiparat, somchai, lan):
    with pytest.raises(PermissionDenied):
        customer_erase(customer=wiparat, reason="Asked", by=lan)
    with pytest.raises(ValidationError) as refused:
        customer_erase(customer=wiparat, reason="  ", by=somchai)
    assert "reason" in refused.value.message_dict
    merged = Customer.objects.get(merged_into=wiparat)
    with pytest.raises(ValidationError, match="merged into another"):
        customer_erase(customer=merged, reason="Asked", by=somchai)
    assert not Customer.objects.filter(erased_at__isnull=False).exists()


def test_an_import_still_reading_a_file_that_names_the_person_holds_the_erasure_back(
    client, wiparat, somchai, django_capture_on_commit_callbacks
):
    """Deleting a queued import's file would fail it, and a running one would bring the person back."""
    client.force_login(somchai)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, FILE)
    waiting = ImportRun.objects.latest("pk")
    ImportRun.objects.filter(pk=waiting.pk).update(status=ImportRun.Status.QUEUED)
    translation.activate("en")
    with pytest.raises(ValidationError, match="being imported now"):
        customer_erase(customer=wiparat, reason="Asked", by=somchai)
    wiparat.refresh_from_db()
    waiting.refresh_from_db()
    assert wiparat.erased_at is None and wiparat.display_name == "วิภารัตน์ ศรีสวัสดิ์"  # nothing half-done
    assert Path(waiting.stored_path).is_file() and waiting.preview
    ImportRun.objects.filter(pk=waiting.pk).update(status=ImportRun.Status.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        assert customer_erase(customer=wiparat, reason="Asked", by=somchai).erased_at
    assert not Path(waiting.stored_path).exists()


def test_the_api_erases_and_answers_when(client, somchai, wiparat):
    api = with_token(client, somchai)
    response = api.post(
        f"/api/customers/{wiparat.pk}/erase", {"reason": "Asked"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["customer"] == wiparat.pk and response.json()["erased_at"]
    answer = api.post(
        f"/api/customers/{wiparat.pk}/erase",
        {"reason": "Asked"},
        content_type="application/json",
    )
    assert answer.status_code == 422  # in somchai's Thai
    assert answer.json()["detail"][0]["msg"] == "ข้อมูลของบุคคลนี้ถูกลบไปแล้ว"


def test_the_page_asks_why_then_erases(client, somchai, lan, wiparat):
    client.force_login(somchai)
    detail = reverse("customers:detail", args=[wiparat.pk])
    url = reverse("customers:erase", args=[wiparat.pk])
    assert f'href="{url}"' in client.get(detail).content.decode()
    page = client.post(url, {"reason": ""})
    assert page.status_code == 200 and not Customer.objects.filter(erased_at__isnull=False).exists()
    response = client.post(url, {"reason": "ขอลบข้อมูลทางอีเมล"}, follow=True)
    assert response.redirect_chain[-1][0] == detail
    assert "ถูกลบ" in response.content.decode()  # somchai reads Thai: the banner says erased
    assert f'href="{url}"' not in response.content.decode()
    assert f'href="{reverse("customers:edit", args=[wiparat.pk])}"' not in response.content.decode()
    client.force_login(lan)
    assert client.get(url).status_code == 403


ON_DISK = """
import json, os, pathlib, sys
import django
django.setup()
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connections
from patron.customers.erasure import customer_erase
from patron.customers.services import CustomerData, customer_create, customer_update
from patron.interactions.services import interaction_log

call_command("migrate", verbosity=0)
admin = get_user_model().objects.create_superuser("admin", password="admin-pass-2024")
person = customer_create(
    data=CustomerData(
        display_name="วิภารัตน์ ศรีสวัสดิ์", emails=["wiparat.old@example.com"], phones=["081 777 3344"]
    ),
    by=admin,
)
customer_update(customer=person, data=CustomerData(emails=["wiparat.s@example.co.th"]), by=admin)
interaction_log(
    by=admin, customer=person, channel="phone", direction="inbound", subject="Call", body="0817773344"
)
customer_erase(customer=person, reason="Asked", by=admin)


def found():
    values = json.loads(sys.argv[1])
    forms = [form for value in values for form in (value.encode(), json.dumps(value)[1:-1].encode())]
    files = [path for path in pathlib.Path(os.environ["PATRON_DATA_DIR"]).rglob("*") if path.is_file()]
    return [(path.name, form.decode()) for path in files for form in forms if form in path.read_bytes()]


print(json.dumps({"open": found()}))  # as a running server leaves them: the connection open
connections.close_all()
print(json.dumps({"closed": found()}))
"""


def test_nothing_remains_in_the_sqlite_files_of_the_data_directory(tmp_path):
    """SQLite keeps deleted rows in free space and older pages in its write-ahead log: the
    database file and its log must not hold the person either, while the server runs or after."""
    values = ["วิภารัตน์", "wiparat.old@example.com", "wiparat.s@example.co.th", "+66817773344", "0817773344"]
    result = subprocess.run(
        [sys.executable, "-c", ON_DISK, json.dumps(values)],
        env=environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert [json.loads(line) for line in result.stdout.splitlines()] == [{"open": []}, {"closed": []}]
    assert (tmp_path / "patron.sqlite3").is_file()
