"""Order events from imports: `patron import orders` on either database's bulk path (executemany
on SQLite, COPY on PostgreSQL), the web import, a re-import that changes an order's status, an
import stopped half-way or rolled back, a failing subscriber; and the scoring that the scoring
app's subscriber asks for after an import, as before.

These tests commit for real (``transaction=True``): an event is told after the commit."""

import json
import logging
import sqlite3
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from patron.customers.services import CustomerData, customer_create
from patron.imports.models import ImportRun
from patron.imports.orders import import_orders
from patron.imports.tests.test_interruption import finish
from patron.imports.tests.test_upload_pages import start, upload
from patron.sales.events import OrdersRecorded, orders_imported
from patron.sales.models import Order
from patron.sales.tests.listening import hearing, listen
from patron.scoring.models import ScoringRun

pytestmark = pytest.mark.django_db(transaction=True)

PER_ORDER = (
    "order_id,customer_id,date,total,status\n"
    "S1,C1,2024-03-05 14:20,1250.00,completed\n"
    "S2,C1,2024-04-01 09:00,99.50,completed\n"
    "S3,C2,2024-04-02 18:30,420,completed\n"
)
LINES = (
    "order_id,customer_id,date,sku,quantity,unit_price\n"
    "L1,C1,2024-03-05 14:20,TEA-1,2,45.50\n"
    "L1,C1,2024-03-05 14:20,CUP-1,1,120\n"
    "L2,C2,2024-04-02 18:30,TEA-1,1,45.50\n"
)
FIRST = datetime(2024, 3, 5, 7, 20, tzinfo=UTC)  # 14:20 in Bangkok
LAST = datetime(2024, 4, 2, 11, 30, tzinfo=UTC)


@pytest.fixture
def heard():
    with hearing() as told:
        yield told


@pytest.fixture
def known(somchai, thai_shop):
    """Two customers the point of sale knows as C1 and C2."""
    for ref in ("C1", "C2"):
        customer_create(
            data=CustomerData(display_name=ref, country="TH", external_ids=[("pos", ref)]), by=somchai
        )


def write(tmp_path, text, name="orders.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def patron_import(path, *options):
    """`patron import orders` as somchai, two rows a batch; its JSON summary."""
    out = StringIO()
    args = ["import", "orders", str(path), "--source", "pos", "--as", "somchai", "--batch-size", "2"]
    call_command(*args, "--json", *options, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize(("text", "orders"), [(PER_ORDER, 3), (LINES, 2)], ids=["per-order", "lines"])
def test_patron_import_orders_tells_its_orders_once_after_its_batches_commit(
    known, tmp_path, heard, text, orders
):
    """A file of one row per order goes the column-wise path, a file of lines row by row: both
    write with the database's bulk path (executemany on SQLite, COPY on PostgreSQL)."""
    summary = patron_import(write(tmp_path, text))
    assert (summary["created"], summary["rejected"]) == (3, 0)
    ((name, event, in_transaction),) = heard
    assert (name, in_transaction) == ("imported", False)
    assert (event.source, event.created, event.changed, event.finished) == ("pos", orders, 0, True)
    assert (event.placed_from, event.placed_to) == (FIRST, LAST)
    # What a subscriber needs to find them: the source and the time the import started.
    created = Order.objects.filter(source=event.source, created_at__gte=event.started_at)
    assert created.count() == Order.objects.count() == orders


def test_a_reimport_that_changes_a_status_tells_that_order_by_id(known, tmp_path, heard):
    patron_import(write(tmp_path, PER_ORDER))
    assert ScoringRun.objects.count() == 1
    heard.clear()
    refunded = PER_ORDER.replace("99.50,completed", "99.50,refunded")
    summary = patron_import(write(tmp_path, refunded))
    assert (summary["updated"], summary["unchanged"]) == (1, 2)
    changed = Order.objects.get(external_id="S2")
    assert changed.status == Order.Status.REFUNDED
    (recorded, imported) = heard
    assert recorded == ("recorded", OrdersRecorded(changed=(changed.pk,)), False)
    event = imported[1]
    assert (event.created, event.changed, event.placed_from, event.placed_to) == (
        0,
        1,
        changed.placed_at,
        changed.placed_at,
    )
    assert ScoringRun.objects.count() == 2  # the changed order is scored, as before

    heard.clear()
    patron_import(write(tmp_path, refunded))  # nothing changes: nothing told, nothing scored
    assert heard == [] and ScoringRun.objects.count() == 2


def test_the_web_import_tells_its_orders_and_a_scoring_follows(known, signed_in, heard):
    client = signed_in("somchai")
    upload(client, PER_ORDER, kind="orders", name="orders.csv")
    run = ImportRun.objects.get()
    start(client, run)
    run.refresh_from_db()
    assert (run.status, run.summary["created"]) == ("finished", 3)
    ((name, event, _in_transaction),) = heard
    assert (name, event.source, event.created, event.finished) == ("imported", "pos", 3, True)
    scoring = ScoringRun.objects.get()
    assert (scoring.status, scoring.orders) == (ScoringRun.Status.DONE, 3)


def test_an_import_stopped_half_way_tells_its_committed_batches_and_asks_no_scoring(
    known, somchai, tmp_path, heard
):
    def stop_after_the_first_batch(done, estimate):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_orders(
            write(tmp_path, PER_ORDER),
            by=somchai,
            source="pos",
            batch_size=1,
            progress=stop_after_the_first_batch,
        )
    assert Order.objects.count() == 1
    ((name, event, _in_transaction),) = heard
    assert (name, event.created, event.finished) == ("imported", 1, False)
    assert (event.placed_from, event.placed_to) == (FIRST, FIRST)
    assert not ScoringRun.objects.exists()  # as before: only an import that ran to its end


def test_an_import_rolled_back_with_the_work_around_it_is_never_told(known, somchai, tmp_path, heard):
    with pytest.raises(RuntimeError), transaction.atomic():
        import_orders(write(tmp_path, PER_ORDER), by=somchai, source="pos", batch_size=1)
        raise RuntimeError("the work around the import failed")
    assert not Order.objects.exists()
    assert heard == [] and not ScoringRun.objects.exists()


def test_a_failing_subscriber_breaks_neither_the_import_nor_the_others(known, tmp_path, heard, caplog):
    def broken(sender, **kwargs):
        raise ValueError("the loyalty ledger is down")

    orders_imported.connect(broken, weak=False)
    after = []
    later = listen(orders_imported, after, "after")
    try:
        with caplog.at_level(logging.ERROR):
            summary = patron_import(write(tmp_path, PER_ORDER))
    finally:
        orders_imported.disconnect(broken)
        orders_imported.disconnect(later)
    assert summary["created"] == Order.objects.count() == 3
    assert [name for name, _event, _open in heard + after] == ["imported", "after"]
    assert ScoringRun.objects.count() == 1  # the scoring subscriber too
    (logged,) = [r for r in caplog.records if "broken" in r.getMessage()]
    assert "the loyalty ledger is down" in logged.getMessage() and logged.exc_info


def test_the_patron_command_queues_a_scoring_after_an_import_that_wrote_orders(tmp_path):
    """The real `patron` command in a subprocess, on its own SQLite data directory and job queue:
    the import's orders are told to the scoring app's subscriber, which queues a scoring."""
    data = tmp_path / "data"
    finish(["migrate", "-v", "0"], data)
    finish(
        ["shell", "-c", "from django.contrib.auth.models import User; User.objects.create_superuser('o')"],
        data,
    )
    finish(
        [
            "import",
            "customers",
            str(write(tmp_path, "id,name\nC1,One\nC2,Two\n", "c.csv")),
            "--source",
            "pos",
        ],
        data,
    )
    orders = write(tmp_path, PER_ORDER)
    database = data / "patron.sqlite3"

    def imported():
        out = finish(["import", "orders", str(orders), "--source", "pos", "--json"], data)
        return json.loads(out.splitlines()[-1])

    def scoring_runs():
        with sqlite3.connect(database) as db:
            return db.execute("SELECT status FROM scoring_scoringrun").fetchall()

    assert imported()["created"] == 3
    assert scoring_runs() == [("queued",)]
    with sqlite3.connect(database) as db:  # as if the worker had scored it
        db.execute("UPDATE scoring_scoringrun SET status = 'done'")
    assert imported()["unchanged"] == 3
    assert scoring_runs() == [("done",)]  # nothing written: no scoring queued
