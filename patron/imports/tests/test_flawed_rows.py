"""Rows flawed by a cell no import may take (a control character, a cell too long) are rejected
with their reason wherever they are in the file, and the rows around them are imported."""

import csv

from patron.customers.models import Customer, ExternalId
from patron.imports.customers import import_customers
from patron.imports.limits import MAX_CELL_LENGTH
from patron.imports.orders import import_orders
from patron.sales.models import Order


def write(tmp_path, rows, name):
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows(rows)
    return path


def read_rejects(summary):
    with open(summary.reject_file, encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))


def test_a_late_nul_and_a_cell_too_long_reject_their_customer_rows_only(somchai, thai_shop, tmp_path):
    # Rows of 100-odd bytes: row 2,500 is past the first 256 KB, which the encoding is read from.
    rows = [["id", "name", "note"]] + [[f"C{i}", f"Customer {i}", "vip " * 25] for i in range(3_000)]
    rows[2_500][1] = "Nul\x00l"
    rows[-1][2] = "n" * (MAX_CELL_LENGTH + 1)
    path = write(tmp_path, rows, "customers.csv")
    summary = import_customers(path, by=somchai, source="pos", batch_size=500)
    assert (summary.read, summary.created, summary.rejected) == (3_000, 2_998, 2)
    assert Customer.objects.count() == 2_998
    assert not ExternalId.objects.filter(value__in=["C2499", "C2999"]).exists()
    rejects = read_rejects(summary)
    assert [(line[0], line[-2], line[-1]) for line in rejects[1:]] == [
        (
            "C2499",
            "2501",
            "the cell holds the control character U+0000, which text may not hold",
        ),
        (
            "C2999",
            "3001",
            "the cell is longer than 32,767 characters, more than a spreadsheet cell holds",
        ),
    ]
    assert [(reject.row, reject.column) for reject in summary.rejects] == [
        (2_501, "name"),
        (3_001, "note"),
    ]


def test_a_late_control_character_rejects_its_order_row_only(somchai, thai_shop, tmp_path):
    customers = [["id", "name"], *[[f"C{i}", f"Customer {i}"] for i in range(100)]]
    import_customers(write(tmp_path, customers, "customers.csv"), by=somchai, source="pos")
    rows = [["order_id", "customer_id", "date", "total"]]
    rows += [[f"SO{i}", f"C{i % 100}", "2024-03-01 10:00", "100.00"] for i in range(10_000)]
    rows[9_000][3] = "100.00\x1b[2J"  # past the first 256 KB
    path = write(tmp_path, rows, "orders.csv")
    summary = import_orders(path, by=somchai, source="pos", batch_size=2_000)
    assert (summary.read, summary.rejected) == (10_000, 1)
    assert Order.objects.count() == 9_999
    assert summary.rejects[0].row == 9_001
    assert summary.rejects[0].column == "total"


def test_a_batch_of_flawed_rows_only(somchai, thai_shop, tmp_path):
    rows = [["id", "name"], *[[f"C{i}", f"Customer {i}"] for i in range(100)]]
    rows[51][1] += "\x07"
    rows[52][1] += "\x07"
    summary = import_customers(write(tmp_path, rows, "customers.csv"), by=somchai, source="pos", batch_size=2)
    assert (summary.read, summary.created, summary.rejected) == (100, 98, 2)


def test_a_batch_of_flawed_order_rows_only(somchai, thai_shop, tmp_path):
    customers = [["id", "name"], *[[f"C{i}", f"Customer {i}"] for i in range(10)]]
    import_customers(write(tmp_path, customers, "customers.csv"), by=somchai, source="pos")
    rows = [["order_id", "customer_id", "date", "total"]]
    rows += [[f"SO{i}", f"C{i % 10}", "2024-03-01 10:00", "100.00"] for i in range(100)]
    rows[51][0] += "\x07"
    rows[52][0] += "\x07"
    summary = import_orders(write(tmp_path, rows, "orders.csv"), by=somchai, source="pos", batch_size=2)
    assert (summary.read, summary.rejected) == (100, 2)
    assert Order.objects.count() == 98
