"""Web imports: the preview read once and kept small, wide files mapped with few form fields,
and runs whose job died marked failed, retried to the end or discarded."""

import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from patron.imports import jobs, previews
from patron.imports.customers import import_customers
from patron.imports.heartbeats import Heartbeat, RunLost
from patron.imports.jobs import sweep_import_runs, sweep_import_runs_at_start
from patron.imports.models import ImportRun
from patron.imports.orders import import_orders
from patron.imports.runs import run_read
from patron.imports.tests.test_upload_pages import CUSTOMERS, upload
from patron.sales.models import Order

WIDE = 1_000  # columns: one form field each would pass Django's limit of 1,000 fields


@pytest.fixture
def pos_customers(somchai, tmp_path, thai_shop):
    """The POS's customers C0 to C9, for the orders below."""
    path = tmp_path / "customers.csv"
    path.write_text("id,name\n" + "".join(f"C{n},Customer {n}\n" for n in range(10)), encoding="utf-8")
    import_customers(path, by=somchai, source="pos", rejects_path=tmp_path / "c.rejects.csv")


def orders_csv(rows, *, first=0, header="order_id"):
    lines = [f"{header},customer_id,date,total"]
    lines += [f"S{n:05d},C{n % 10},2024-03-{n % 28 + 1:02d} 10:00,{n % 97}.50" for n in range(first, rows)]
    return "\n".join(lines) + "\n"


def wide_orders_csv(rows, columns=WIDE):
    """Orders with ``columns`` columns: the four an order needs, then c4, c5... holding digits;
    column c900 holds the sales channel."""
    header = ["order_id", "customer_id", "date", "total", *(f"c{n}" for n in range(4, columns))]
    lines = [",".join(header)]
    for row in range(rows):
        cells = [f"S{row:05d}", f"C{row % 10}", f"2024-03-{row + 1:02d}", "10.50"]
        cells += ["marketplace" if n == 900 else str(n % 7) for n in range(4, columns)]
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"


def form_data(page):
    form = page.context["form"]
    return {name: form[name].value() or "" for name in form.fields}


def page_of(client, run):
    return client.get(reverse("imports:run", args=[run.pk]))


# --------------------------------------------------------------------------- the preview


def test_the_file_is_read_once_and_its_page_shows_what_was_kept(signed_in, data_dir):
    client = signed_in("lan")
    upload(client, CUSTOMERS)
    run = ImportRun.objects.get()
    assert run.status == "uploaded" and run.preview["columns"][1] == "ชื่อ"
    Path(run.stored_path).write_text("x,y\n1,2\n", encoding="utf-8")  # views must not read the file
    for _view in range(2):
        page = page_of(client, run)
        assert page.context["preview"]["columns"][1] == "ชื่อ"
        assert "สมศรี ใจดี" in page.content.decode()


def test_the_page_says_the_file_is_being_read_then_reloads_with_its_preview(signed_in, staff, data_dir):
    client = signed_in("lan")
    path = data_dir / "upload.csv"
    path.write_text(CUSTOMERS, encoding="utf-8")
    run = ImportRun.objects.create(
        kind="customers",
        source="pos",
        file_name="customers.csv",
        stored_path=str(path),
        status="previewing",
        heartbeat_at=timezone.now(),
        created_by=staff("lan"),
    )
    html = page_of(client, run).content.decode()
    polled = reverse("imports:progress", args=[run.pk]) + "?reading=1"
    assert 'id="reading-bar"' in html and f'hx-get="{polled}"' in html
    assert 'id="preview"' not in html
    assert "HX-Refresh" not in client.get(polled)
    run_read(run.pk)  # the job
    assert client.get(polled)["HX-Refresh"] == "true"
    assert page_of(client, run).context["preview"]["mapping"]["อีเมล"] == "email"


def test_the_preview_shows_ten_rows_with_long_cells_cut(signed_in):
    client = signed_in("lan")
    rows = "".join(f"C{n},Name {n},{'ก' * 500}\n" for n in range(30))
    upload(client, "รหัสลูกค้า,ชื่อ,หมายเหตุ\n" + rows)
    page = page_of(client, ImportRun.objects.get())
    preview = page.context["preview"]
    assert len(preview["rows"]) == previews.SHOWN_ROWS
    assert preview["rows"][0][2] == "ก" * 99 + "…"
    assert 'id="shown"' in page.content.decode()


def test_the_preview_stops_reading_rows_at_its_time_limit(signed_in, monkeypatch):
    monkeypatch.setattr(previews, "PREVIEW_SECONDS", 0)
    client = signed_in("lan")
    upload(client, CUSTOMERS)
    run = ImportRun.objects.get()
    assert run.status == "uploaded" and len(run.preview["rows"]) == 1


def test_rows_of_long_cells_are_sampled_up_to_a_number_of_characters(signed_in, monkeypatch):
    monkeypatch.setattr(previews, "DETECTION_CHARACTERS", 25_000)
    client = signed_in("lan")
    upload(client, "รหัสลูกค้า,หมายเหตุ\n" + "".join(f"C{n},{'ข' * 10_000}\n" for n in range(30)))
    run = ImportRun.objects.get()
    assert run.status == "uploaded" and len(run.preview["rows"]) == 3  # 30,006 characters


def test_a_wide_file_is_sampled_in_fewer_rows(signed_in, pos_customers):
    client = signed_in("somchai")
    text = wide_orders_csv(600).replace("order_id,", "Chk,", 1)  # no header names the order number
    upload(client, text, kind="orders", name="wide.csv")
    preview = ImportRun.objects.get().preview
    assert preview["order_number"] == {"column": "Chk", "orders": 500, "rows": 500}  # 500,000 cells


def test_a_file_a_hundred_thousand_columns_wide_is_read_in_seconds_and_shown_small(signed_in):
    client = signed_in("somchai")
    columns = 100_000
    text = ",".join(f"c{n}" for n in range(columns)) + "\n" + ",".join("7" * columns) + "\n"
    began = time.monotonic()
    upload(client, text, kind="orders", name="very-wide.csv")
    assert time.monotonic() - began < 10
    run = ImportRun.objects.get()
    assert run.status in {"uploaded", "refused"}  # refused by the limit on columns, or read
    page = page_of(client, run)
    assert len(page.content) < 200_000
    if run.status == "uploaded":
        assert len(page.context["form"].fields) < 150


# --------------------------------------------------------------------------- wide files


def test_a_wide_file_is_mapped_and_started_with_few_form_fields(signed_in, pos_customers):
    client = signed_in("somchai")
    upload(client, wide_orders_csv(3), kind="orders", name="wide.csv")
    run = ImportRun.objects.get()
    page = page_of(client, run)
    preview = page.context["preview"]
    assert (preview["column_count"], len(preview["columns"])) == (WIDE, previews.SHOWN_COLUMNS)
    assert preview["ignored_count"] == WIDE - 4 and len(preview["ignored"]) == previews.LISTED
    html = page.content.decode()
    assert len(html) < 150_000
    assert html.count("<select") < 2 * previews.SHOWN_COLUMNS and 'id="more-columns"' in html

    data = form_data(page) | {"action": "map", "column": "C900", "field": "channel"}  # folded like headers
    client.post(reverse("imports:start", args=[run.pk]), data)
    page = page_of(client, run)
    assert page.context["preview"]["mapping"]["c900"] == "channel"
    assert [field.label for field in page.context["form"].more_fields()] == ["c900"]

    data = form_data(page)
    assert data["map-900"] == "channel"
    assert len(data) < 120 < django_settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    client.post(reverse("imports:start", args=[run.pk]), data)
    run.refresh_from_db()
    assert (run.status, run.summary["created"]) == ("finished", 3)
    assert set(Order.objects.values_list("channel", flat=True)) == {"marketplace"}


def test_a_column_the_file_lacks_is_refused_with_a_sentence(signed_in, pos_customers):
    client = signed_in("somchai")  # uses Patron in Thai
    upload(client, wide_orders_csv(3), kind="orders", name="wide.csv")
    run = ImportRun.objects.get()
    data = form_data(page_of(client, run)) | {"action": "map", "column": "c5000", "field": "channel"}
    response = client.post(reverse("imports:start", args=[run.pk]), data, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["ไฟล์นี้ไม่มีคอลัมน์ “c5000”"]
    run.refresh_from_db()
    assert run.status == "uploaded" and "c5000" not in run.preview["mapping"]


# --------------------------------------------------------------------------- dead workers


def silent_for(seconds):
    return timezone.now() - timedelta(seconds=seconds)


def test_an_import_whose_worker_died_is_marked_failed_then_retried_to_the_end(
    signed_in, pos_customers, somchai, tmp_path
):
    client = signed_in("lan")
    upload(client, orders_csv(50), kind="orders", name="orders.csv")
    run = ImportRun.objects.get()
    # What a worker killed after its first batch leaves: 20 orders written, the run "running".
    first = tmp_path / "first.csv"
    first.write_text(orders_csv(20), encoding="utf-8")
    import_orders(first, by=somchai, source="pos", rejects_path=tmp_path / "first.rejects.csv")
    ImportRun.objects.filter(pk=run.pk).update(
        status="running", rows_done=20, attempt=1, started_at=silent_for(70), heartbeat_at=silent_for(61)
    )
    listing = client.get(reverse("imports:list")).content.decode()
    run.refresh_from_db()
    assert run.status == "failed"
    assert run.message == "Lượt nhập đã dừng: tiến trình xử lý nền không phản hồi trong 60 giây."
    assert "Thất bại" in listing
    page = page_of(client, run).content.decode()
    assert 'id="retry"' in page and 'id="discard"' in page and "không bị ghi hai lần" in page

    client.post(reverse("imports:retry", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == "finished" and run.message == ""
    assert (run.summary["created"], run.summary["unchanged"]) == (30, 20)
    assert Order.objects.count() == Order.objects.values("external_id").distinct().count() == 50


def test_an_import_with_a_fresh_heartbeat_is_left_running(signed_in, staff):
    client = signed_in("lan")
    run = ImportRun.objects.create(
        kind="customers",
        source="pos",
        file_name="big.csv",
        stored_path="/nowhere/upload",
        status="running",
        attempt=1,
        heartbeat_at=silent_for(50),
        created_by=staff("lan"),
    )
    client.get(reverse("imports:list"))
    run.refresh_from_db()
    assert run.status == "running"
    assert client.post(reverse("imports:discard", args=[run.pk])).status_code == 302
    assert ImportRun.objects.filter(pk=run.pk).exists()  # not discarded while it runs


@pytest.fixture
def queue_kept():
    """Jobs are queued (in memory) and not run at once, as with a worker that is busy."""
    HUEY.immediate_use_memory = False  # keep the memory storage when leaving immediate mode
    HUEY.immediate = False
    try:
        yield
    finally:
        HUEY.flush()
        HUEY.immediate = True
        HUEY.immediate_use_memory = True


def test_a_waiting_run_whose_job_was_lost_fails_and_one_still_queued_waits(signed_in, staff, queue_kept):
    client = signed_in("lan")

    def waiting(status, **fields):
        return ImportRun.objects.create(
            kind="customers",
            source="pos",
            file_name=f"{status}.csv",
            stored_path="/nowhere/upload",
            status=status,
            heartbeat_at=silent_for(3600),
            created_by=staff("lan"),
            options={"language": "vi"},
            **fields,
        )

    lost, in_queue, unread = waiting("queued"), waiting("queued"), waiting("previewing")
    jobs.run_execute(in_queue.pk)
    client.get(reverse("imports:list"))
    for run in (lost, in_queue, unread):
        run.refresh_from_db()
    assert (lost.status, in_queue.status, unread.status) == ("failed", "queued", "failed")
    assert lost.message == "Lượt nhập chưa bắt đầu: công việc của nó không còn trong hàng đợi."
    assert unread.message == "Tệp chưa được đọc: công việc đọc tệp đã dừng hoặc không còn trong hàng đợi."
    page = page_of(client, in_queue).content.decode()
    assert 'id="waiting-long"' in page and 'id="discard"' in page
    client.post(reverse("imports:discard", args=[in_queue.pk]))
    assert not ImportRun.objects.filter(pk=in_queue.pk).exists()


def test_a_retry_of_a_file_never_read_reads_it(signed_in, staff, data_dir):
    client = signed_in("lan")
    path = data_dir / "x" / "upload"
    path.parent.mkdir()
    path.write_text(CUSTOMERS, encoding="utf-8")
    run = ImportRun.objects.create(
        kind="customers",
        source="pos",
        file_name="customers.csv",
        stored_path=str(path),
        status="failed",
        created_by=staff("lan"),
    )
    client.post(reverse("imports:retry", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == "uploaded" and run.preview["columns"][0] == "รหัสลูกค้า"
    response = client.post(reverse("imports:retry", args=[run.pk]), follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_discarding_a_failed_import_removes_its_file_and_the_run_not_what_it_imported(
    signed_in, pos_customers
):
    client = signed_in("somchai")
    upload(client, orders_csv(5), kind="orders", name="orders.csv")
    run = ImportRun.objects.get()
    client.post(reverse("imports:start", args=[run.pk]), form_data(page_of(client, run)))
    ImportRun.objects.filter(pk=run.pk).update(status="failed")
    folder = Path(run.stored_path).parent
    assert folder.is_dir()
    assert client.post(reverse("imports:discard", args=[run.pk])).url == reverse("imports:list")
    assert not ImportRun.objects.exists() and not folder.exists()
    assert Order.objects.count() == 5


def test_the_worker_marks_dead_imports_every_minute_and_when_it_starts(staff):
    def dead():
        return ImportRun.objects.create(
            kind="orders",
            source="pos",
            file_name="o.csv",
            stored_path="/nowhere/upload",
            status="running",
            heartbeat_at=silent_for(61),
            created_by=staff("somchai"),
        )

    first, second = dead(), dead()
    sweep_import_runs.call_local()
    assert ImportRun.objects.get(pk=first.pk).status == "failed"
    ImportRun.objects.filter(pk=second.pk).update(status="running")
    sweep_import_runs_at_start()
    assert ImportRun.objects.get(pk=second.pk).status == "failed"
    assert sweep_import_runs.s().validate_datetime(timezone.now().replace(minute=7))  # each minute


@pytest.mark.django_db(transaction=True)
def test_a_working_job_beats_and_learns_when_its_run_is_taken_from_it(staff, settings):
    settings.PATRON_IMPORT_HEARTBEAT = 1  # a beat every quarter of a second
    run = ImportRun.objects.create(
        kind="orders",
        source="pos",
        file_name="o.csv",
        stored_path="/nowhere/upload",
        status="running",
        attempt=2,
        heartbeat_at=silent_for(0.9),
        created_by=staff("somchai"),
    )
    before = run.heartbeat_at
    with Heartbeat(run) as heartbeat:
        time.sleep(0.6)
        assert ImportRun.objects.get(pk=run.pk).heartbeat_at > before
        heartbeat.check()
        ImportRun.objects.filter(pk=run.pk).update(status="failed")  # the sweep, or a retry
        deadline = time.monotonic() + 5
        while not heartbeat.lost.is_set() and time.monotonic() < deadline:
            time.sleep(0.05)
        with pytest.raises(RunLost):
            heartbeat.check()


def test_a_job_that_comes_after_its_run_was_marked_lost_takes_it(signed_in, pos_customers, queue_kept):
    client = signed_in("somchai")
    upload(client, orders_csv(5), kind="orders", name="orders.csv")
    run = ImportRun.objects.get()
    jobs.run_read.call_local(run.pk, run.attempt)  # a worker reads it
    client.post(reverse("imports:start", args=[run.pk]), form_data(page_of(client, run)))
    run.refresh_from_db()
    assert run.status == "queued"
    # A worker takes the job from the queue while the imports are looked at, long after it was queued.
    HUEY.flush()
    ImportRun.objects.filter(pk=run.pk).update(heartbeat_at=silent_for(61))
    client.get(reverse("imports:list"))
    assert ImportRun.objects.get(pk=run.pk).status == "failed"
    jobs.run_execute.call_local(run.pk, run.attempt - 1)  # a job of an earlier attempt does nothing
    assert ImportRun.objects.get(pk=run.pk).status == "failed"
    jobs.run_execute.call_local(run.pk, run.attempt, requested_by=run.created_by_id)
    run.refresh_from_db()
    assert (run.status, run.message, run.summary["created"]) == ("finished", "", 5)


def test_columns_beyond_the_table_get_choosers_mapped_ones_first():
    columns = [f"c{n}" for n in range(300)]
    ambiguous = [f"c{n}" for n in range(60, 160)]  # more than there are choosers for
    offered = previews.choices(columns, ["c250", *ambiguous])
    assert offered[: previews.SHOWN_COLUMNS] == [[n, f"c{n}"] for n in range(previews.SHOWN_COLUMNS)]
    beyond = offered[previews.SHOWN_COLUMNS :]
    assert len(beyond) == previews.MORE_CHOICES and beyond[-1] == [250, "c250"]
    assert beyond[:2] == [[60, "c60"], [61, "c61"]]  # in the file's order
