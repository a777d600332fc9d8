"""Reading import files: format and delimiter detection, streaming rows (encodings: test_encodings.py)."""

import datetime as dt
import os
import tracemalloc
import zipfile

import openpyxl
import pytest

from patron.imports.reading import FileRefused, Row, cell_text, detect_delimiter, open_table

THAI = "สมชาย ใจดี"


def write(tmp_path, content, name="export.csv"):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def read_all(path, **options):
    with open_table(path, **options) as table:
        return table, list(table.rows())


# --------------------------------------------------------------------------- delimiters


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_each_delimiter_is_detected(tmp_path, delimiter):
    lines = [["name", "phone", "city"], ["An", "0901", "Huế"], ["Bình", "0902", "Đà Lạt"]]
    content = "".join(delimiter.join(line) + "\n" for line in lines)
    table, rows = read_all(write(tmp_path, content.encode()))
    assert table.delimiter == delimiter
    assert table.header == ["name", "phone", "city"]
    assert rows[1].values == ["Bình", "0902", "Đà Lạt"]


def test_semicolon_wins_over_decimal_commas():
    text = "name;amount\nAn;1,5\nBinh;2,75\nChi;3\n"
    assert detect_delimiter(text) == ";"


def test_delimiters_inside_quotes_do_not_count():
    text = 'name;address\n"Santos, Maria";"12, Rizal St, Manila"\n"Cruz, Jose";"Quezon City"\n'
    assert detect_delimiter(text) == ";"


def test_single_column_file_defaults_to_comma(tmp_path):
    table, rows = read_all(write(tmp_path, b"email\nan@example.com\n"))
    assert table.delimiter == ","
    assert rows[0].values == ["an@example.com"]


def test_explicit_delimiter_wins(tmp_path):
    table, rows = read_all(write(tmp_path, b"a;b,c\n1;2,3\n"), delimiter=",")
    assert table.header == ["a;b", "c"]
    assert rows[0].values == ["1;2", "3"]


# --------------------------------------------------------------------------- CSV structure


def test_quoted_fields_keep_delimiters_and_newlines(tmp_path):
    content = b'name,address,note\n"Cruz, Jose","12 Rizal St\nBarangay 5",ok\nAn,"Q1",\n'
    _table, rows = read_all(write(tmp_path, content))
    assert rows[0].values == ["Cruz, Jose", "12 Rizal St\nBarangay 5", "ok"]


def test_row_numbers_are_file_lines_counting_multiline_fields_and_blank_lines(tmp_path):
    content = b'name,note\n"A","two\nlines"\n\nB,x\r\n\r\nC,y\n'
    table, rows = read_all(write(tmp_path, content))
    assert table.header_row == 1
    assert [(row.number, row.values[0]) for row in rows] == [(2, "A"), (5, "B"), (7, "C")]


def test_blank_lines_and_rows_of_empty_cells_are_skipped(tmp_path):
    _table, rows = read_all(write(tmp_path, b"a,b\n\n,\n  ,\t\n1,2\n\n"))
    assert [row.values for row in rows] == [["1", "2"]]


def test_blank_lines_before_the_header_are_skipped(tmp_path):
    table, rows = read_all(write(tmp_path, b"\n\nname,phone\nAn,1\n"))
    assert table.header_row == 3
    assert rows[0] == Row(4, ["An", "1"])


def test_duplicate_and_blank_header_names_are_made_unique(tmp_path):
    table, _rows = read_all(write(tmp_path, b" Name ,,Phone,name,Name (2),\n1,2,3,4,5,\n"))
    assert table.header == ["Name", "column 2", "Phone", "name (2)", "Name (2) (2)"]


def test_short_rows_are_padded_and_flagged(tmp_path):
    _table, rows = read_all(write(tmp_path, b"a,b,c\n1,2\n"))
    assert rows == [Row(2, ["1", "2", ""], missing_cells=True)]


def test_long_rows_are_cut_and_flagged(tmp_path):
    _table, rows = read_all(write(tmp_path, b"a,b\n1,2,3\n"))
    assert rows == [Row(2, ["1", "2"], extra_cells=True)]


def test_trailing_empty_cells_are_not_extra(tmp_path):
    _table, rows = read_all(write(tmp_path, b"a,b\n1,2,,\n"))
    assert rows == [Row(2, ["1", "2"])]


def test_header_only_file_has_no_rows(tmp_path):
    table, rows = read_all(write(tmp_path, b"name,phone\n"))
    assert table.header == ["name", "phone"]
    assert rows == []


def test_values_are_not_stripped(tmp_path):
    _table, rows = read_all(write(tmp_path, b"a,b\n 1 ,2\n"))
    assert rows[0].values == [" 1 ", "2"]


def test_rows_can_be_read_twice(tmp_path):
    with open_table(write(tmp_path, b"a\n1\n2\n")) as table:
        assert list(table.rows()) == list(table.rows())


def test_closed_table_refuses_to_read(tmp_path):
    table = open_table(write(tmp_path, b"a\n1\n"))
    table.close()
    with pytest.raises(ValueError, match="closed"):
        table.rows()


def test_unclosed_quote_swallowing_the_file_is_reported_with_its_line(tmp_path):
    content = b"a,b\n1,2\n" + b'3,"never closed' + b"x" * 200_000 + b"\n4,5\n"
    with open_table(write(tmp_path, content)) as table, pytest.raises(FileRefused, match="Line 3"):
        list(table.rows())


# --------------------------------------------------------------------------- refusals


def test_empty_file_is_refused(tmp_path):
    with pytest.raises(FileRefused, match=r"^The file is empty\.$"):
        open_table(write(tmp_path, b""))


def test_file_of_blank_lines_is_empty(tmp_path):
    with pytest.raises(FileRefused, match=r"^The file is empty\.$"):
        open_table(write(tmp_path, b"\r\n\r\n  \n"))


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(FileRefused, match="There is no file"):
        open_table(tmp_path / "nope.csv")


def test_pdf_is_refused(tmp_path):
    with pytest.raises(FileRefused, match="it looks like a PDF document"):
        open_table(write(tmp_path, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", name="sales.csv"))


def test_png_is_refused(tmp_path):
    with pytest.raises(FileRefused, match="PNG image"):
        open_table(write(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(50)))


def test_legacy_xls_is_refused(tmp_path):
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    with pytest.raises(FileRefused, match=r"legacy Excel \(\.xls\)"):
        open_table(write(tmp_path, ole2, name="sales.xls"))


def test_html_saved_as_xls_is_refused(tmp_path):
    with pytest.raises(FileRefused, match="HTML"):
        open_table(write(tmp_path, b"<html><body><table><tr><td>1</td></tr></table>", name="x.xls"))


def test_random_binary_is_refused(tmp_path):
    with pytest.raises(FileRefused, match="binary file"):
        open_table(write(tmp_path, os.urandom(4096)))


def test_zip_that_is_not_xlsx_is_refused(tmp_path):
    path = tmp_path / "export.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("orders.csv", "a,b\n1,2\n")
    with pytest.raises(FileRefused, match="it looks like a ZIP archive"):
        open_table(path)


def test_refusal_message_is_the_exception_text(tmp_path):
    with pytest.raises(FileRefused) as refused:
        open_table(write(tmp_path, b"%PDF-1.4"))
    assert str(refused.value) == refused.value.message
    assert refused.value.message.startswith("This is not a CSV or XLSX file: it looks like a PDF document.")


# --------------------------------------------------------------------------- XLSX


def write_xlsx(tmp_path, rows, name="export.xlsx", sheets=None):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Orders"
    for row in rows:
        workbook.active.append(row)
    for title, extra_rows in (sheets or {}).items():
        sheet = workbook.create_sheet(title)
        for row in extra_rows:
            sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def test_xlsx_cells_become_parseable_text(tmp_path):
    path = write_xlsx(
        tmp_path,
        [
            ["name", "date", "when", "qty", "amount", "sum", "none"],
            [THAI, dt.date(2024, 3, 1), dt.datetime(2024, 3, 1, 14, 30), 10, 1234.5, 0.1 + 0.2, None],
        ],
        name="no-extension",
    )
    table, rows = read_all(path)
    assert (table.format, table.encoding) == ("xlsx", None)
    assert rows == [Row(2, [THAI, "2024-03-01", "2024-03-01T14:30:00", "10", "1234.5", "0.3", ""])]


def test_xlsx_row_numbers_are_sheet_rows(tmp_path):
    path = write_xlsx(tmp_path, [[None], ["name", "phone"], ["An", "1"], [None, None], ["Bình", "2"]])
    table, rows = read_all(path)
    assert table.header_row == 2
    assert [(row.number, row.values) for row in rows] == [(3, ["An", "1"]), (5, ["Bình", "2"])]


def test_xlsx_short_rows_are_padded_without_flag(tmp_path):
    _table, rows = read_all(write_xlsx(tmp_path, [["a", "b", "c"], ["1"], ["1", "2", "3", "4"]]))
    assert rows == [Row(2, ["1", "", ""]), Row(3, ["1", "2", "3"], extra_cells=True)]


def test_xlsx_first_sheet_is_read_by_default(tmp_path):
    table, _rows = read_all(write_xlsx(tmp_path, [["order"]], sheets={"Customers": [["name"]]}))
    assert table.sheet_name == "Orders"
    assert table.header == ["order"]


def test_xlsx_sheet_can_be_chosen_by_name(tmp_path):
    path = write_xlsx(tmp_path, [["order"]], sheets={"Customers": [["name"], ["An"]]})
    table, rows = read_all(path, sheet="customers")
    assert table.header == ["name"]
    assert rows == [Row(2, ["An"])]


def test_xlsx_unknown_sheet_is_refused_listing_the_sheets(tmp_path):
    with pytest.raises(FileRefused, match='no sheet named "Sales".*"Orders"'):
        open_table(write_xlsx(tmp_path, [["order"]]), sheet="Sales")


def test_xlsx_empty_sheet_is_refused(tmp_path):
    with pytest.raises(FileRefused, match='sheet "Orders" is empty'):
        open_table(write_xlsx(tmp_path, []))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (10, "10"),
        (10.0, "10"),
        (1234.5, "1234.5"),
        (0.1 + 0.2, "0.3"),
        (1e-7, "0.0000001"),
        (1e20, "100000000000000000000"),
        (-0.0, "0"),
        (True, "TRUE"),
        (dt.time(9, 5), "09:05:00"),
    ],
)
def test_cell_text(value, text):
    assert cell_text(value) == text


# --------------------------------------------------------------------------- streaming


def test_large_csv_is_streamed_in_flat_memory(tmp_path):
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8", newline="") as file:
        file.write("id,name,phone,amount\n")
        for number in range(200_000):
            file.write(f"{number},Nguyễn Văn An {number},+8490{number:07d},{number}.50\n")
    tracemalloc.start()
    try:
        with open_table(path) as table:
            count = 0
            for row in table.rows():
                count += 1
                last = row
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 200_000
    assert last.number == 200_001
    assert peak < 20 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"
