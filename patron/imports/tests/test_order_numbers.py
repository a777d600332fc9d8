"""Finding the order number from a column's values when its header does not say so."""

import pytest

from patron.imports.order_numbers import CERTAIN_ORDERS, order_number_candidates


def candidates(header, rows, *, order_columns=("date", "customer")):
    """The candidates among every column of ``header`` not named in ``order_columns``."""
    order_cells = [header.index(column) for column in order_columns if column in header]
    columns = [column for column in header if column not in order_columns]
    return order_number_candidates(header, rows, columns, order_cells)


def columns_of(found):
    return [(candidate.column, candidate.certain) for candidate in found]


# A Thai restaurant's bills: the bill number under a header no list knows, a cashier, a table.
BILLS = [
    ["Chk #", "date", "customer", "พนักงาน", "โต๊ะ", "ยอด"],
    ["B6703-00118", "05/03/2567 12:05", "M0001", "นิด", "5", "450"],
    ["B6703-00119", "05/03/2567 12:20", "M0002", "นิด", "2", "1,280"],
    ["B6703-00120", "05/03/2567 12:41", "M0001", "ต้อม", "5", "95"],
    ["B6703-00121", "05/03/2567 13:02", "M0003", "ต้อม", "7", "2,310"],
    ["B6703-00122", "05/03/2567 13:15", "M0004", "นิด", "1", "640"],
    ["B6703-00123", "05/03/2567 13:30", "M0002", "นิด", "3", "380"],
]


def test_a_column_of_bill_numbers_is_found_and_certain():
    assert columns_of(candidates(BILLS[0], BILLS[1:])) == [("Chk #", True)]
    (found,) = candidates(BILLS[0], BILLS[1:])
    assert (found.orders, found.rows) == (6, 6)


def test_a_bill_repeated_exactly_is_still_one_bill_each():
    rows = [*BILLS[1:], BILLS[3]]
    assert columns_of(candidates(BILLS[0], rows)) == [("Chk #", True)]


def test_a_number_given_to_two_different_bills_makes_the_evidence_uncertain():
    other = ["B6703-00119", "06/03/2567 18:00", "M0009", "ต้อม", "4", "75"]
    rows = [*BILLS[1:], other]
    assert columns_of(candidates(BILLS[0], rows)) == [("Chk #", False)]


def test_too_few_bills_are_not_certain():
    rows = BILLS[1:CERTAIN_ORDERS]
    assert columns_of(candidates(BILLS[0], rows)) == [("Chk #", False)]


def test_marketplace_order_ids_letters_and_digits_or_long_digits():
    shopee = [["Mã", "date", "customer"]] + [
        [f"2403{day:02d}{code}", f"{day:02d}/03/2024", f"buyer{day}"]
        for day, code in zip(
            range(1, 9),
            ["8XKQ2A1B", "9BPRT7C2", "1MZQW4D3", "3JHTY6E4", "7LKDS2F5", "0QWER8G6", "5TYUI1H7", "2ASDF3J8"],
            strict=True,
        )
    ]
    lazada = [["No", "date", "customer"]] + [
        [str(700123456789 + 17 * n), f"0{n}/04/2024", f"c{n}"] for n in range(1, 9)
    ]
    assert columns_of(candidates(shopee[0], shopee[1:])) == [("Mã", True)]
    assert columns_of(candidates(lazada[0], lazada[1:])) == [("No", True)]


def test_kiotviet_invoice_codes_in_a_file_of_lines():
    header = ["Ma", "date", "customer", "Mã hàng", "SL"]
    rows = [
        ["HD000101", "05/03/2024 08:15", "KH001", "CF-01", "2"],
        ["HD000101", "05/03/2024 08:15", "KH001", "BM-02", "1"],
        ["HD000102", "05/03/2024 09:40", "KH002", "CF-05", "1"],
        ["HD000103", "18/03/2024 14:05", "KH003", "TR-03", "3"],
        ["HD000103", "18/03/2024 14:05", "KH003", "CF-01", "1"],
        ["HD000104", "20/03/2024 10:00", "KH002", "CF-05", "1"],
        ["HD000105", "02/04/2024", "KH004", "CF-01", "2"],
        ["HD000106", "15/04/2024 19:30", "KH005", "CF-05", "2"],
    ]
    # The product codes repeat over orders: they are not a number per order.
    assert columns_of(candidates(header, rows)) == [("Ma", True)]


def test_lines_of_one_number_with_another_date_are_not_one_order():
    header = ["Ref", "date", "customer"]
    rows = [["T-1001", "01/03/2024", "C1"], ["T-1001", "02/03/2024", "C1"]]
    rows += [[f"T-10{n:02d}", f"0{n % 9 + 1}/03/2024", "C2"] for n in range(2, 9)]
    (found,) = candidates(header, rows)
    assert not found.certain


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("dates", ["2024-03-05", "2024-03-06", "2024-03-07", "2024-03-08", "2024-03-09", "2024-03-10"]),
        ("compact dates", ["20240305", "20240306", "20240307", "20240308", "20240309", "20240310"]),
        ("amounts", ["1,250.00", "99.50", "420.00", "3,150.75", "88.25", "12.10"]),
        ("round VND", ["125000", "89000", "1250000", "45000", "2310000", "98000"]),
        ("phones", ["0812345678", "0898765432", "0861234567", "0923456789", "0634567890", "0955554444"]),
        ("e-mails", ["a1@x.co", "b2@x.co", "c3@x.co", "d4@x.co", "e5@x.co", "f6@x.co"]),
        ("names", ["Somchai", "Malee", "Anan", "Nok", "Pim", "Dao"]),
        ("row counters", ["1", "2", "3", "4", "5", "6"]),
        ("quantities", ["12", "7", "31", "9", "15", "2"]),
        ("repeating codes", ["CF-01", "BM-02", "CF-01", "CF-05", "BM-02", "CF-01"]),
        ("sentences", ["no onion 1", "extra ice 2", "take away 3", "less sugar 4", "spicy 5", "to go 6"]),
    ],
)
def test_values_that_are_not_document_numbers_are_never_proposed(name, values):
    header = [name, "date", "customer"]
    rows = [[value, f"0{n + 1}/03/2024", f"C{n}"] for n, value in enumerate(values)]
    assert candidates(header, rows) == []


def test_a_column_named_as_another_documents_number_is_never_proposed():
    header = ["Tracking Number", "date", "customer"]
    rows = [[f"TH{n:010d}A", f"0{n + 1}/03/2024", f"C{n}"] for n in range(1, 8)]
    assert candidates(header, rows) == []


def test_two_columns_that_could_be_it_are_both_told_the_certain_first():
    header = ["Ref", "date", "customer", "Doc"]
    rows = [
        [f"R-{n:04d}", f"0{n}/03/2024", f"C{n}", f"INV{n:06d}" if n != 3 else "INV000002"]
        for n in range(1, 9)
    ]
    found = candidates(header, rows)
    assert columns_of(found) == [("Ref", True), ("Doc", False)]


def test_a_column_mostly_empty_is_not_proposed():
    header = ["Voucher", "date", "customer"]
    rows = [[f"V{n:05d}" if n < 3 else "", f"0{n + 1}/03/2024", f"C{n}"] for n in range(8)]
    assert candidates(header, rows) == []
