"""Before an orders import starts: the customers it names are looked for as the import looks for
them, and the rows it would reject are counted per reason, with examples; then Import starts it."""

import itertools

from django.urls import reverse

from patron.customers.models import Customer
from patron.imports import prechecks
from patron.imports.models import ImportRun
from patron.imports.tests.test_upload_pages import start, upload
from patron.sales.models import Order

ORDERS = (
    "order_id,customer_id,date,total,email\n"
    "S1,C1,2024-03-05,100,\n"
    "S2,C9,2024-03-05,100,\n"
    "S3,C9,2024-03-06,100,\n"
    "S4,C8,2024-03-07,100,\n"
    "S5,C1,not a date,100,\n"
    "S6,C7,2024-03-08,100,new.customer@example.com\n"
)


def test_missing_customers_are_counted_before_the_import_starts(signed_in, known_pos_customers):
    client = signed_in("somchai")
    upload(client, ORDERS, kind="orders", name="orders.csv")
    run = ImportRun.objects.get()
    response = start(client, run)
    run.refresh_from_db()
    assert response.url.endswith("#check") and run.status == "uploaded"  # not started
    assert not Order.objects.exists()

    page = client.get(reverse("imports:run", args=[run.pk]))
    check = page.context["check"]
    assert (check["rows"], check["all"], check["rejected"]) == (6, True, 4)
    reasons = {reason["code"]: reason for reason in check["reasons"]}
    unknown = reasons[prechecks.UNKNOWN_CUSTOMER]
    assert unknown["count"] == 3 and [row for row, _text in unknown["examples"]] == [3, 4, 5]
    assert "C9" in unknown["examples"][0][1] and "C8" in unknown["examples"][2][1]
    assert reasons["placed_at"]["count"] == 1 and reasons["placed_at"]["examples"][0][0] == 6
    html = page.content.decode()
    assert "ตรวจครบทั้ง 6 แถว" in html  # in Thai, the reader's language: "checked all 6 rows"
    assert 'id="check-rejected"' in html

    start(client, run)  # Import, now that the user has seen it
    run.refresh_from_db()
    assert run.status == "finished"
    assert run.summary["rejected"] == 4  # what the check said
    assert sorted(Order.objects.values_list("external_id", flat=True)) == ["S1", "S6"]
    assert Customer.objects.filter(contact_points__value="new.customer@example.com").exists()


def test_a_file_with_nothing_to_reject_starts_at_once(signed_in, known_pos_customers):
    client = signed_in("somchai")
    upload(client, "order_id,customer_id,date,total\nS1,C1,2024-03-05,100\n", kind="orders", name="o.csv")
    run = ImportRun.objects.get()
    start(client, run)
    run.refresh_from_db()
    assert run.status == "finished" and run.preview["check"]["rejected"] == 0


def test_a_file_the_import_would_refuse_is_told_before_it_starts(signed_in, known_pos_customers):
    client = signed_in("lan")
    upload(client, "order_id,customer_id,date,total\nS1,C1,2024-03-05,100\n", kind="orders", name="o.csv")
    run = ImportRun.objects.get()
    start(client, run, mapping={"total": ""})  # no amount column any more
    run.refresh_from_db()
    assert run.status == "uploaded"
    html = client.get(reverse("imports:run", args=[run.pk])).content.decode()
    assert 'id="check-refused"' in html and "--map" not in html
    assert "“Số tiền”" in html or "Số tiền" in html  # the select's own word for Amount, in Vietnamese


def test_a_long_file_is_checked_for_its_first_rows_when_time_runs_out(
    known_pos_customers, somchai, tmp_path, monkeypatch
):
    path = tmp_path / "upload"
    rows = "".join(f"S{n},C9,2024-03-05,100\n" for n in range(5000))
    path.write_text("order_id,customer_id,date,total\n" + rows)
    run = ImportRun(kind="orders", source="pos", stored_path=str(path), options={}, created_by=somchai)
    clock = itertools.count()
    monkeypatch.setattr(prechecks.time, "monotonic", lambda: next(clock) / 10)  # 100 ms a batch
    monkeypatch.setattr(prechecks, "BATCH", 10)
    mapping = {
        "order_id": "order_id",
        "customer_id": "customer_external_id",
        "date": "placed_at",
        "total": "total",
    }
    check = prechecks.precheck(run, mapping=mapping, seconds=3)
    assert not check["all"] and check["rows"] == 300  # 30 batches of 10 rows in 3 seconds
    assert check["rejected"] == 300  # C9 is nobody, on every row checked
    whole = prechecks.precheck(run, mapping=mapping, seconds=10_000)
    assert whole["all"] and (whole["rows"], whole["rejected"]) == (5000, 5000)


def test_the_checks_examples_are_worded_in_the_readers_language(signed_in, known_pos_customers):
    from django.utils import translation

    from patron.imports.views import _check_for_page

    client = signed_in("somchai")  # checks in Thai
    upload(client, ORDERS, kind="orders", name="orders.csv")
    run = ImportRun.objects.get()
    start(client, run)
    run.refresh_from_db()
    kept = {reason["code"]: reason for reason in run.preview["check"]["reasons"]}
    assert "C9" in kept[prechecks.UNKNOWN_CUSTOMER]["examples"][0][1]
    assert "no customer" not in kept[prechecks.UNKNOWN_CUSTOMER]["examples"][0][1]  # in Thai
    with translation.override("en"):
        shown = {reason["code"]: reason for reason in _check_for_page(run.preview["check"])["reasons"]}
    assert shown[prechecks.UNKNOWN_CUSTOMER]["examples"][0] == (
        3,
        "no customer with id C9 from pos: import the customers first, "
        "or add their name, e-mail or phone columns",
    )
    assert shown["placed_at"]["examples"][0] == (6, "'not a date' is not a date")
