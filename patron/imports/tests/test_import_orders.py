"""`patron import orders FILE`: sales history lands once, with its customers, and bad rows are told."""

import csv
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum

from patron.customers.models import Customer, ExternalId
from patron.customers.services import CustomerData, customer_create
from patron.imports.orders import import_orders
from patron.imports.summary import ImportRefused
from patron.imports.values import AmbiguousDates
from patron.sales.models import Order, OrderLine, Product
from patron.workspace.models import ExchangeRate

PER_ORDER = (
    "order_id,customer_id,date,total,channel\n"
    "S1,C1,2024-03-05 14:20,1250.00,store\n"
    "S2,C1,2024-04-01 09:00,99.50,web\n"
    "S3,C2,2024-04-02 18:30,420,shopee\n"
)


@pytest.fixture
def known(somchai, thai_shop):
    """Two customers the point of sale knows as C1 and C2."""
    return {
        ref: customer_create(
            data=CustomerData(display_name=name, country="TH", external_ids=[("pos", ref)]), by=somchai
        )
        for ref, name in [("C1", "สมศรี ใจดี"), ("C2", "Somchai Rakdee")]
    }


def write(tmp_path, text, name="orders.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def run(path, by, **options):
    options.setdefault("source", "pos")
    return import_orders(path, by=by, **options)


def read_rejects(summary):
    with open(summary.reject_file, encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))


def totals():
    """Per customer: (orders, sum of base totals), the figures import must not double."""
    rows = Order.objects.values("customer_id").annotate(n=Count("id"), base=Sum("total_base"))
    return {row["customer_id"]: (row["n"], row["base"]) for row in rows}


def adds_up(summary):
    return summary.read == summary.created + summary.updated + summary.unchanged + summary.rejected


# --------------------------------------------------------------------------- one row per order


def test_orders_land_on_their_customers(somchai, known, tmp_path):
    summary = run(write(tmp_path, PER_ORDER), somchai)
    assert (summary.read, summary.created, summary.rejected) == (3, 3, 0)
    first = Order.objects.get(external_id="S1")
    assert first.customer == known["C1"]
    assert (first.total, first.currency, first.total_base) == (Decimal("1250.00"), "THB", Decimal("1250.00"))
    assert first.placed_at == datetime(2024, 3, 5, 7, 20, tzinfo=UTC)  # Bangkok time, stored in UTC
    assert Order.objects.get(external_id="S3").channel == "marketplace"
    assert adds_up(summary)


def test_importing_the_same_file_twice_changes_nothing(somchai, known, tmp_path):
    path = write(tmp_path, PER_ORDER)
    run(path, somchai)
    before = totals()
    again = run(path, somchai)
    assert (again.read, again.created, again.unchanged) == (3, 0, 3)
    assert totals() == before


def test_an_overlapping_export_adds_only_the_new_orders_and_updates_changed_ones(somchai, known, tmp_path):
    run(write(tmp_path, PER_ORDER), somchai)
    later = (
        "order_id,customer_id,date,total,channel\n"
        "S2,C1,2024-04-01 09:00,99.50,web\n"
        "S3,C2,2024-04-02 18:30,400,shopee\n"
        "S4,C2,2024-05-01 10:00,10,store\n"
    )
    summary = run(write(tmp_path, later, "later.csv"), somchai)
    assert (summary.created, summary.updated, summary.unchanged) == (1, 1, 1)
    assert Order.objects.get(external_id="S3").total == Decimal("400")
    assert Order.objects.count() == 4


def test_orders_without_numbers_are_recognised_by_fingerprint(somchai, known, tmp_path):
    text = "customer_id,date,total\nC1,2024-03-05 14:20,10\nC2,2024-03-05 14:20,10\nC1,2024-03-06,10\n"
    path = write(tmp_path, text)
    assert run(path, somchai).created == 3
    again = run(path, somchai)
    assert (again.created, again.unchanged) == (0, 3)
    assert Order.objects.count() == 3


def test_the_same_order_without_number_twice_in_a_file_is_rejected(somchai, known, tmp_path):
    text = "customer_id,date,total\nC1,2024-03-05 14:20,10\nC1,2024-03-05 14:20,10\n"
    summary = run(write(tmp_path, text), somchai)
    assert (summary.created, summary.rejected) == (1, 1)
    assert "same customer, time and amount as row 2" in summary.rejects[0].reason


# --------------------------------------------------------------------------- one row per line


LINES = (
    "Mã đơn,Mã KH,Ngày,Mã SP,Sản phẩm,Số lượng,Đơn giá\n"
    "D1,C1,05/03/2024 14:20,SP-01,Cà phê sữa,2,35.000\n"
    "D1,C1,05/03/2024 14:20,SP-02,Bánh mì,1,25.000\n"
    "D2,C2,20/03/2024 08:00,SP-01,Cà phê sữa,1,35.000\n"
)


@pytest.fixture
def vietnamese_shop(somchai, lan):
    from patron.workspace.models import Workspace

    Workspace.objects.update_or_create(
        pk=1,
        defaults={"name": "Quán Lan", "country": "VN", "currency": "VND", "time_zone": "Asia/Ho_Chi_Minh"},
    )
    for ref in ["C1", "C2"]:
        customer_create(data=CustomerData(display_name=ref, external_ids=[("pos", ref)]), by=somchai)


def test_lines_of_an_order_make_one_order_with_its_total(lan, vietnamese_shop, tmp_path):
    summary = run(write(tmp_path, LINES), lan)
    assert (summary.read, summary.created) == (3, 3)
    d1 = Order.objects.get(external_id="D1")
    assert (d1.total, d1.currency) == (Decimal("95000"), "VND")
    assert sorted(d1.lines.values_list("product__sku", "quantity")) == [
        ("SP-01", Decimal("2")),
        ("SP-02", Decimal("1")),
    ]
    assert Product.objects.get(sku="SP-02").name == "Bánh mì"
    assert Order.objects.count() == 2


def test_lines_import_twice_then_a_changed_line_replaces_the_lines(lan, vietnamese_shop, tmp_path):
    run(write(tmp_path, LINES), lan)
    assert run(write(tmp_path, LINES), lan).unchanged == 3
    changed = write(tmp_path, LINES.replace("SP-01,Cà phê sữa,2,", "SP-01,Cà phê sữa,3,", 1), "changed.csv")
    summary = run(changed, lan)
    assert (summary.updated, summary.unchanged) == (2, 1)
    d1 = Order.objects.get(external_id="D1")
    assert d1.total == Decimal("130000")
    assert OrderLine.objects.filter(order=d1).count() == 2


def test_lines_of_an_order_split_across_the_file_are_rejected(lan, vietnamese_shop, tmp_path):
    text = LINES + "D1,C1,05/03/2024 14:20,SP-03,Trà,1,10.000\n"
    summary = run(write(tmp_path, text), lan)
    assert summary.rejects[0].row == 5
    assert "keep the lines of an order together" in summary.rejects[0].reason


def test_batches_keep_the_lines_of_an_order_together(lan, vietnamese_shop, tmp_path):
    summary = run(write(tmp_path, LINES), lan, batch_size=1)
    assert summary.rejected == 0
    assert Order.objects.get(external_id="D1").lines.count() == 2


# --------------------------------------------------------------------------- customers in the file


def test_customer_columns_find_or_create_the_customer(somchai, thai_shop, tmp_path):
    existing = customer_create(
        data=CustomerData(display_name="Malee", emails=["malee@example.co.th"]), by=somchai
    )
    text = (
        "order_id,name,phone,email,date,total\n"
        "W1,Malee S.,,MALEE@example.co.th,2024-03-01,100\n"
        "W2,Anan,081 234 5678,,2024-03-02,200\n"
        "W3,Anan K.,+66812345678,,2024-03-03,300\n"
    )
    summary = run(write(tmp_path, text), somchai, source="web")
    # W1 is Malee's by e-mail; W3 is Anan's, created on W2, by phone.
    assert (summary.created, summary.customers_created, summary.customers_matched) == (3, 1, 2)
    assert Order.objects.get(external_id="W1").customer == existing
    anan = Order.objects.get(external_id="W2").customer
    assert Order.objects.get(external_id="W3").customer == anan
    assert [p.normalised for p in anan.phone_points] == ["+66812345678"]


def test_an_unknown_customer_id_with_details_creates_the_customer(somchai, thai_shop, tmp_path):
    text = "order_id,customer_id,customer name,date,total\nO1,N9,Nok,2024-03-01,100\n"
    summary = run(write(tmp_path, text), somchai)
    assert summary.customers_created == 1
    assert ExternalId.objects.get(source="pos", value="N9").customer.display_name == "Nok"


def test_a_merged_customer_s_orders_go_to_the_survivor(somchai, known, tmp_path):
    Customer.objects.filter(pk=known["C2"].pk).update(merged_into=known["C1"])
    run(write(tmp_path, PER_ORDER), somchai)
    assert Order.objects.get(external_id="S3").customer == known["C1"]


# --------------------------------------------------------------------------- bad rows


BAD = (
    "order_id,customer_id,date,total,currency,quantity,sku\n"
    "B1,C1,2024-13-45,10,THB,1,X\n"  # 2: unparseable date
    "B2,C1,2024-03-05,10,THB,-1,X\n"  # 3: negative quantity
    "B3,C1,2024-03-05,10,XYZ,1,X\n"  # 4: unknown currency
    "B4,,2024-03-05,10,THB,1,X\n"  # 5: missing customer reference
    "B5,C1,2024-03-05,10,THB,1,X\n"  # 6: fine
    "B5,C2,2024-03-07,10,THB,1,X\n"  # 7: another customer under the same order number
    "B6,C1,2024-03-05,-10,THB,1,X\n"  # 8: negative amount, not a return
    "B7,C9,2024-03-05,10,THB,1,X\n"  # 9: unknown customer id, nothing to create one from
    "B8,C1,2024-03-05,10,USD,1,X\n"  # 10: no USD rate for that day
    "B9,C1,2099-03-05,10,THB,1,X\n"  # 11: in the future
)


def test_each_bad_row_is_rejected_with_its_row_column_and_reason(somchai, known, tmp_path):
    summary = run(write(tmp_path, BAD), somchai)
    found = {(r.row, r.column) for r in summary.rejects}
    assert found == {
        (2, "date"),
        (3, "quantity"),
        (4, "currency"),
        (5, "customer_id"),
        (7, "order_id"),
        (8, "total"),
        (9, "customer_id"),
        (10, "currency"),
        (11, "date"),
    }
    reasons = {r.row: r.reason for r in summary.rejects}
    assert "not a date" in reasons[2]
    assert "negative quantity" in reasons[3]
    assert "unknown currency" in reasons[4]
    assert "customer reference" in reasons[5]
    assert "row 6" in reasons[7]
    assert "not marked as a return" in reasons[8]
    assert "no customer with id C9" in reasons[9]
    assert "no USD exchange rate" in reasons[10]
    assert "future" in reasons[11]
    assert list(Order.objects.values_list("external_id", flat=True)) == ["B5"]
    assert adds_up(summary)


def test_reject_file_re_imports_once_fixed(somchai, known, tmp_path):
    summary = run(write(tmp_path, BAD), somchai)
    header, *rows = read_rejects(summary)
    assert header[-2:] == ["row", "reason"]
    assert [row[-2] for row in rows] == ["2", "3", "4", "5", "7", "8", "9", "10", "11"]
    fixed = tmp_path / "fixed.csv"
    with fixed.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerow(["B1", "C1", "2024-12-24", "10", "THB", "1", "X", "2", "date"])
    again = run(fixed, somchai)
    assert (again.created, again.rejected) == (1, 0)


def test_a_row_s_several_problems_are_all_told(somchai, known, tmp_path):
    text = "order_id,customer_id,date,total,currency\nB1,C1,yesterday,-5,XYZ\n"
    (reject,) = run(write(tmp_path, text), somchai).rejects
    assert all(f"{column}:" in reject.reason for column in ("date", "currency"))


def test_a_bad_phone_or_email_in_customer_columns_is_rejected(somchai, thai_shop, tmp_path):
    text = (
        "order_id,name,phone,email,date,total\n"
        "W1,Anan,12,,2024-03-01,100\n"
        "W2,Nok,,not-an-email,2024-03-01,5\n"
    )
    summary = run(write(tmp_path, text), somchai)
    assert {(r.row, r.column) for r in summary.rejects} == {(2, "phone"), (3, "email")}
    assert Customer.objects.count() == 0


def test_returns_are_recorded_with_the_amount_paid_back(somchai, known, tmp_path):
    text = "order_id,customer_id,date,total,is_return\nR1,C1,2024-03-05,-250.00,yes\nR2,C1,2024-03-06,-1,\n"
    summary = run(write(tmp_path, text), somchai)
    returned = Order.objects.get(external_id="R1")
    assert (returned.status, returned.total) == ("returned", Decimal("250.00"))
    assert summary.rejects[0].row == 3


def test_status_returned_allows_negative_amounts_and_quantities(somchai, known, tmp_path):
    text = "order_id,customer_id,date,sku,quantity,unit price,status\nR1,C1,2024-03-05,X,-2,50,Returned\n"
    run(write(tmp_path, text), somchai)
    returned = Order.objects.get(external_id="R1")
    assert (returned.status, returned.total, returned.lines.get().quantity) == ("returned", 100, 2)


# --------------------------------------------------------------------------- values and files


def test_turkish_amounts_and_day_first_dates(somchai, thai_shop, tmp_path):
    ExchangeRate.objects.create(currency="TRY", date=date(2024, 3, 5), rate=Decimal("1.1"))
    customer_create(data=CustomerData(display_name="Şükrü", external_ids=[("pos", "M1")]), by=somchai)
    text = "Sipariş No;Müşteri No;Sipariş Tarihi;Tutar\nT1;M1;05.03.2024 14:20;1.234,56 TL\n"
    summary = run(write(tmp_path, text, encoding="cp1254"), somchai, country="TR", date_order="dmy")
    order = Order.objects.get(external_id="T1")
    assert (order.total, order.currency) == (Decimal("1234.56"), "TRY")
    assert order.total_base == Decimal("1358.02")  # at the day's rate into THB
    assert summary.created == 1


def test_buddhist_era_years_are_detected(somchai, known, tmp_path):
    text = "order_id,customer_id,วันที่,ยอดรวม\nS1,C1,05/03/2567,1\nS2,C1,20/03/2567,1\n"
    run(write(tmp_path, text, encoding="cp874"), somchai)
    placed_at = Order.objects.get(external_id="S2").placed_at
    assert placed_at == datetime(2024, 3, 20, tzinfo=ZoneInfo("Asia/Bangkok"))


def test_ambiguous_dates_refuse_the_file_and_write_nothing(somchai, known, tmp_path):
    text = "order_id,customer_id,date,total\nS1,C1,05/03/2024,1\nS2,C1,06/04/2024,1\n"
    with pytest.raises(AmbiguousDates):
        run(write(tmp_path, text), somchai)
    assert Order.objects.count() == 0
    assert run(write(tmp_path, text), somchai, date_order="mdy").created == 2
    assert Order.objects.get(external_id="S1").placed_at.month == 5


def test_a_file_without_a_date_column_is_refused(somchai, known, tmp_path):
    with pytest.raises(ImportRefused, match="placed_at"):
        run(write(tmp_path, "order_id,customer_id,total\nS1,C1,1\n"), somchai)
    assert Order.objects.count() == 0


def test_xlsx_orders(somchai, known, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Order ID", "Customer ID", "Order Date", "Total"])
    sheet.append(["X1", "C1", datetime(2024, 3, 5, 14, 20), 1250.5])
    sheet.append(["X2", "C2", datetime(2024, 3, 6, 9, 0), 10])
    path = tmp_path / "orders.xlsx"
    book.save(path)
    summary = run(path, somchai)
    assert summary.created == 2
    assert Order.objects.get(external_id="X1").total == Decimal("1250.50")


def test_a_service_agent_may_not_import_orders(emre, known, tmp_path):
    with pytest.raises(PermissionDenied):
        run(write(tmp_path, PER_ORDER), emre)


# --------------------------------------------------------------------------- the plain (columnar) path


MIXED = (
    "order_id,customer_id,date,total,channel,status,currency\n"
    "P1,C1,2024-03-05 14:20:11,1250.00,store,,\n"  # plain
    "P2,C1,2024-03-05,99.5,Shopee,Completed,THB\n"  # plain
    "P3,C2,2024-10-27 01:30,10,web,refunded,\n"  # an hour London lives twice: the first one
    "P4,C2,2024-03-31 01:30,10,web,,\n"  # an hour London skips: row by row
    "P5,C2,05/03/2024 14:20,7,store,,\n"  # not ISO: row by row
    "P6,C2,2024-03-05T14:20,1.234,store,,\n"  # three decimals in baht: rejected row by row
    "P7,C2,2024-03-05 14:20,12,Lazada,cancelled,\n"
    "P8, C2 ,2024-03-06 10:00,12,store,,\n"  # spaces around the id: row by row
)


def _orders(source):
    fields = ("customer_id", "placed_at", "status", "channel", "currency", "total", "total_base")
    return {o.external_id: tuple(getattr(o, f) for f in fields) for o in Order.objects.filter(source=source)}


def test_plain_rows_land_exactly_as_row_by_row(somchai, known, tmp_path, monkeypatch):
    from patron.imports import orders as importer
    from patron.workspace.models import Workspace

    Workspace.objects.filter(pk=1).update(time_zone="Europe/London")
    ExternalId.objects.create(customer=known["C1"], source="row", value="C1")
    ExternalId.objects.create(customer=known["C2"], source="row", value="C2")
    path = write(tmp_path, MIXED)
    fast = run(path, somchai, date_order="dmy")
    monkeypatch.setattr(importer.PlainOrderReader, "for_file", classmethod(lambda cls, **kw: None))
    slow = run(path, somchai, source="row", date_order="dmy")
    assert fast.as_dict() | {"reject_file": None} == slow.as_dict() | {"reject_file": None}
    assert _orders("pos") == _orders("row")
    assert len(_orders("pos")) == 7
    assert [(r.row, r.column) for r in fast.rejects] == [(7, "total")]
    assert _orders("pos")["P3"][1] == datetime(2024, 10, 27, 0, 30, tzinfo=UTC)  # 01:30 BST


def test_a_batch_mixing_plain_new_recorded_and_changed_rows(somchai, known, tmp_path):
    run(write(tmp_path, PER_ORDER), somchai)
    later = (
        "order_id,customer_id,date,total,channel\n"
        "S1,C1,2024-03-05 14:20,1250.00,store\n"  # recorded, same: unchanged
        "S2,C2,2024-04-01 09:00,99.50,web\n"  # recorded, now another customer: updated
        "S9,C1,2024-06-01 09:00,5,web\n"  # new
        "S9,C1,2024-06-01 09:00,5,web\n"  # the same order again: counted once
    )
    summary = run(write(tmp_path, later, "later.csv"), somchai)
    assert (summary.unchanged, summary.updated, summary.created, summary.rejected) == (2, 1, 1, 0)
    assert summary.repeated == 1
    assert Order.objects.get(external_id="S2").customer == known["C2"]


def test_a_number_repeated_batches_later_is_rejected_with_its_first_row(somchai, known, tmp_path):
    text = PER_ORDER + "S9,C2,2024-04-03 10:00,5,store\nS1,C2,2024-04-04 10:00,5,store\n"
    summary = run(write(tmp_path, text), somchai, batch_size=2)
    (reject,) = summary.rejects
    assert (reject.row, reject.column) == (6, "order_id")
    assert "order number S1 is already on row 2 with other values (customer_id, date, total)" in reject.reason
    assert Order.objects.get(external_id="S1").customer == known["C1"]


# --------------------------------------------------------------------------- remembered mappings


def test_a_column_nobody_recognised_is_not_remembered_so_it_can_be_found_later(somchai, known, tmp_path):
    from patron.imports.models import SourceMapping

    text = "customer_id,date,total,เลขที่ใบ\nC1,2024-03-05,10,\nC2,2024-03-06,12,\n"
    run(write(tmp_path, text), somchai)
    assert SourceMapping.objects.get(source="pos").mapping == {
        "customer_id": "customer_external_id",
        "date": "placed_at",
        "total": "total",
    }


def test_a_guessed_column_unmapped_on_purpose_is_remembered_so(somchai, known, tmp_path):
    from patron.imports.models import SourceMapping

    path = write(tmp_path, "order_id,customer_id,date,total,channel\nS1,C1,2024-03-05,10,store\n")
    summary = run(path, somchai, overrides=["channel="])
    assert summary.ignored_columns == ["channel"]
    assert SourceMapping.objects.get(source="pos").mapping["channel"] == ""
    assert run(path, somchai).ignored_columns == ["channel"]


def test_blank_columns_remembered_before_are_forgotten_by_the_migration(db):
    from importlib import import_module

    from django.apps import apps

    from patron.imports.models import SourceMapping

    migration = import_module("patron.imports.migrations.0003_forget_blank_columns_not_chosen")
    SourceMapping.objects.create(source="pos", kind="orders", mapping={"เลขที่บิล": "", "วันที่": "placed_at"})
    migration.forget_blank_columns(apps, None)
    assert SourceMapping.objects.get().mapping == {"วันที่": "placed_at"}


def test_an_order_read_column_wise_is_recognised_when_repeated_row_by_row(somchai, known, tmp_path):
    text = (
        "order_id,customer_id,date,total,channel\n"
        "S9,C1,2024-06-01 09:00,99.5,web\n"  # plain: read column-wise
        "S9, C1 ,2024-06-01 09:00:00,99.50 ,Web\n"  # the same order, written so it goes row by row
        "S9,C1,2024-06-01 09:00,99.51,web\n"  # another amount: rejected
    )
    summary = run(write(tmp_path, text), somchai)
    assert (summary.read, summary.created, summary.unchanged, summary.repeated, summary.rejected) == (
        3,
        1,
        1,
        1,
        1,
    )
    assert "(total)" in summary.rejects[0].reason
