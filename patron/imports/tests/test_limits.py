"""The limits on import files (patron.imports.limits): each at the limit, and one past it.

The hostile files are made here: XLSX bombs written with bombs.py (a shared string of 1 GiB in
a 1 MB file, a sheet that says it unpacks to gigabytes), wide CSV files, a NUL at the end of a
large CSV file, a header too long.
"""

import csv
import io
import json
import random
import string
import time
import tracemalloc
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from openpyxl.reader.strings import read_string_table

from patron.conftest import with_token
from patron.customers.services import CustomerData, customer_create
from patron.imports import formats, xlsx_parts
from patron.imports.formats import FileRefused, check_upload
from patron.imports.limits import (
    MAX_ATTRIBUTE_KEY_LENGTH,
    MAX_ATTRIBUTE_VALUE_LENGTH,
    MAX_ATTRIBUTES_SIZE,
    MAX_CELL_LENGTH,
    MAX_COLUMNS,
    MAX_HEADER_LENGTH,
    MAX_LINE_LENGTH,
    XLSX_MAX_OTHER_PART_BYTES,
    XLSX_MAX_RATIO,
    XLSX_MAX_SHARED_STRINGS_BYTES,
    XLSX_MAX_SHEET_BYTES,
    XLSX_MAX_TEXT_BYTES,
    CellProblem,
)
from patron.imports.reading import open_table, reject_flawed, set_aside_flawed
from patron.imports.rejects import RejectFile
from patron.imports.summary import ImportSummary
from patron.imports.tests.bombs import (
    MAIN,
    Repeated,
    shared_string_bomb,
    shared_strings_xml,
    sheet_xml,
    write_xlsx,
)


def read_all(path):
    with open_table(path) as table:
        return table, list(table.rows())


def csv_file(tmp_path, rows, name="export.csv"):
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(rows)
    path = tmp_path / name
    path.write_text(text.getvalue(), encoding="utf-8")
    return path


def letters(size, seed=1):
    """Text that deflate packs only about twice: no ratio limit applies to it."""
    return "".join(random.Random(seed).choices(string.ascii_letters, k=size))


# --------------------------------------------------------------------------- XLSX: declared sizes


@pytest.fixture(scope="module")
def bomb(tmp_path_factory):
    return shared_string_bomb(tmp_path_factory.mktemp("bomb") / "bomb.xlsx")


def test_the_one_gib_shared_string_bomb_is_refused_at_once_without_memory(bomb):
    assert bomb.stat().st_size < 1.1 * 2**20
    with zipfile.ZipFile(bomb) as archive:
        assert archive.getinfo("xl/sharedStrings.xml").file_size > 2**30
    tracemalloc.start()
    started = time.process_time()
    with pytest.raises(FileRefused, match=r"xl/sharedStrings\.xml unpacks to 1010 times its packed size"):
        open_table(bomb)
    elapsed = time.process_time() - started
    _size, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 1
    assert peak < 10 * 2**20


def test_the_bomb_is_refused_at_upload_too(bomb):
    with pytest.raises(FileRefused, match="1010 times"):
        check_upload(bomb)


def test_the_bomb_is_stopped_while_unpacking_when_its_declared_sizes_pass(bomb, monkeypatch):
    """What an archive declares can lie: reading still stops, at the first text longer than a cell."""
    monkeypatch.setattr(formats, "XLSX_MAX_RATIO", 10**6)
    monkeypatch.setattr(formats, "XLSX_MAX_SHARED_STRINGS_BYTES", 2**31)
    tracemalloc.start()
    started = time.process_time()
    with pytest.raises(FileRefused, match=r"xl/sharedStrings\.xml holds a text or tag of more than 1 MB"):
        open_table(bomb)
    elapsed = time.process_time() - started
    _size, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 1
    assert peak < 20 * 2**20


def test_a_part_that_declares_less_than_it_holds_is_read_no_further(tmp_path):
    strings = Repeated(f'<sst xmlns="{MAIN}"><si><t>'.encode(), b"a" * 2**20, 1024, b"</t></si></sst>")
    path = write_xlsx(
        tmp_path / "liar.xlsx",
        sheet=sheet_xml([[0]]),
        shared_strings=strings,
        declared={"xl/sharedStrings.xml": 1000},
    )
    started = time.process_time()
    with pytest.raises(FileRefused, match="damaged"):
        open_table(path)
    assert time.process_time() - started < 1


def info(name, size, packed):
    member = zipfile.ZipInfo(name)
    member.file_size, member.compress_size = size, packed
    return member


@pytest.mark.parametrize(
    ("name", "limit"),
    [
        ("xl/sharedStrings.xml", XLSX_MAX_SHARED_STRINGS_BYTES),
        ("xl/worksheets/sheet1.xml", XLSX_MAX_SHEET_BYTES),
        # Read whole by openpyxl, but checked against the largest limit before reading, since
        # a part of unusual name may be the shared strings; reading holds it to its own.
        ("xl/styles.xml", XLSX_MAX_SHEET_BYTES),
    ],
)
def test_declared_part_sizes_at_and_past_the_limit(name, limit):
    formats._check_declared_sizes([info(name, limit, limit // 10)])
    with pytest.raises(FileRefused, match=f"its part {name} unpacks to more than {limit // 2**20:,} MB"):
        formats._check_declared_sizes([info(name, limit + 1, limit // 10)])


def test_declared_ratio_at_and_past_the_limit():
    packed = 2 * 2**20
    formats._check_declared_sizes([info("xl/worksheets/sheet1.xml", XLSX_MAX_RATIO * packed, packed)])
    with pytest.raises(FileRefused, match=f"real workbooks stay under {XLSX_MAX_RATIO} times"):
        formats._check_declared_sizes([info("xl/worksheets/sheet1.xml", XLSX_MAX_RATIO * packed + 1, packed)])


def test_small_parts_and_parts_openpyxl_does_not_read_are_not_held_to_sizes():
    formats._check_declared_sizes([info("xl/styles.xml", 2**20, 1)])  # 1 MiB: too small to matter
    formats._check_declared_sizes([info("xl/media/image1.png", 10 * 2**30, 9 * 2**30)])
    with pytest.raises(FileRefused, match="image1.png unpacks to 1024 times"):
        formats._check_declared_sizes([info("xl/media/image1.png", 2**30, 2**20)])


def test_a_sheet_bomb_is_refused(tmp_path):
    row = b'<row><c t="inlineStr"><is><t>' + b"a" * 1000 + b"</t></is></c></row>"
    sheet = Repeated(
        f'<worksheet xmlns="{MAIN}"><sheetData>'.encode(), row * 1024, 3000, b"</sheetData></worksheet>"
    )
    path = write_xlsx(tmp_path / "sheet-bomb.xlsx", sheet=sheet)
    started = time.process_time()
    with pytest.raises(FileRefused, match="xl/worksheets/sheet1.xml unpacks to"):
        check_upload(path)
    with pytest.raises(FileRefused, match="xl/worksheets/sheet1.xml unpacks to"):
        open_table(path)
    assert time.process_time() - started < 2


def test_real_workbooks_of_repetitive_data_pass(tmp_path):
    """openpyxl writes the same row again and again at about 16 times; shared strings a writer repeats instead
    of sharing pack about 410 times (the ratio limit is 500)."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["name", "phone", "city", "total", "status"])
    for _ in range(20_000):
        sheet.append(["Somchai Jaidee", "0812345678", "Bangkok", 100, "completed"])
    workbook.save(tmp_path / "same.xlsx")
    check_upload(tmp_path / "same.xlsx")
    table, rows = read_all(tmp_path / "same.xlsx")
    assert len(rows) == 20_000
    repeated = f'<sst xmlns="{MAIN}"><si><t>status</t></si>{"<si><t>completed</t></si>" * 400_000}</sst>'
    path = write_xlsx(
        tmp_path / "repeated.xlsx", sheet=sheet_xml([[0], [1], [400_000]]), shared_strings=repeated.encode()
    )
    with zipfile.ZipFile(path) as archive:
        member = archive.getinfo("xl/sharedStrings.xml")
        assert 400 < member.file_size / member.compress_size < XLSX_MAX_RATIO
    table, rows = read_all(path)
    assert table.header == ["status"]
    assert [row.values for row in rows] == [["completed"], ["completed"]]


# --------------------------------------------------------------------------- XLSX: while reading


def test_a_part_is_read_up_to_its_limit_and_no_further(tmp_path, monkeypatch):
    strings = shared_strings_xml(["name", "An"])
    path = write_xlsx(tmp_path / "small.xlsx", sheet=sheet_xml([[0], [1]]), shared_strings=strings)
    monkeypatch.setattr(xlsx_parts, "XLSX_MAX_SHARED_STRINGS_BYTES", len(strings))
    assert read_all(path)[1][0].values == ["An"]
    monkeypatch.setattr(xlsx_parts, "XLSX_MAX_SHARED_STRINGS_BYTES", len(strings) - 1)
    with pytest.raises(FileRefused, match="sharedStrings.xml unpacks to more than 0 MB"):
        open_table(path)


def test_any_other_part_is_held_to_its_own_limit_while_read(tmp_path):
    styles = Repeated(
        f'<styleSheet xmlns="{MAIN}">'.encode(), f"<!-- {letters(60_000)} -->".encode(), 600, b"</styleSheet>"
    )
    path = write_xlsx(tmp_path / "styles.xlsx", sheet=sheet_xml([["name"]]), extra={"xl/styles.xml": styles})
    check_upload(path)  # 36 MB unpacked, packed about twice: nothing declared is wrong
    with pytest.raises(
        FileRefused, match=f"xl/styles.xml unpacks to more than {XLSX_MAX_OTHER_PART_BYTES // 2**20} MB"
    ):
        open_table(path)


def test_a_text_as_long_as_the_limit_is_read_and_one_longer_is_refused(tmp_path):
    # The bytes between two "<" are the text and the "t>" of the tag before it.
    text = letters(XLSX_MAX_TEXT_BYTES - 2)
    path = write_xlsx(
        tmp_path / "long.xlsx", sheet=sheet_xml([[0], [1]]), shared_strings=shared_strings_xml(["name", text])
    )
    _table, rows = read_all(path)
    assert rows[0].problem.column == "name"
    path = write_xlsx(
        tmp_path / "longer.xlsx",
        sheet=sheet_xml([[0], [1]]),
        shared_strings=shared_strings_xml(["name", text + "a"]),
    )
    with pytest.raises(FileRefused, match="holds a text or tag of more than 1 MB"):
        open_table(path)


def row_windows(xml):
    """The bytes from each row's start to the next's (or to the end), as _BoundedPart counts them."""
    starts = [i for i in range(len(xml)) if xml.startswith(b"<row", i)]
    return [b - a for a, b in zip(starts, [*starts[1:], len(xml)], strict=True)]


def test_a_row_as_large_as_the_limit_is_read_and_one_larger_is_refused(tmp_path, monkeypatch):
    xml = sheet_xml([["name", "phone"], ["An", "0812345678"], ["Bình " * 2000, "0812345679"]])
    path = write_xlsx(tmp_path / "rows.xlsx", sheet=xml)
    largest = max(row_windows(xml))
    monkeypatch.setattr(xlsx_parts, "XLSX_MAX_ROW_BYTES", largest)
    assert len(read_all(path)[1]) == 2
    monkeypatch.setattr(xlsx_parts, "XLSX_MAX_ROW_BYTES", largest - 1)
    with pytest.raises(FileRefused, match="a row of its part xl/worksheets/sheet1.xml takes more than"):
        read_all(path)


def test_a_row_of_a_million_cells_is_refused_before_it_is_built(tmp_path, monkeypatch):
    """15 MB of one row; with the limit at 1 MB here (8 MB in use) it stops at the first MB."""
    cells = Repeated(
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">'.encode(),
        b"<c><v>1</v></c>" * 1000,
        1000,
        b"</row></sheetData></worksheet>",
    )
    path = write_xlsx(tmp_path / "wide-row.xlsx", sheet=cells)
    monkeypatch.setattr(xlsx_parts, "XLSX_MAX_ROW_BYTES", 2**20)
    started = time.process_time()
    with pytest.raises(FileRefused, match="a row of its part xl/worksheets/sheet1.xml takes more than 1 MB"):
        open_table(path)
    assert time.process_time() - started < 2


def test_xml_entity_declarations_are_refused(tmp_path):
    laughs = (
        f'<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        f'<sst xmlns="{MAIN}"><si><t>&b;</t></si></sst>'
    ).encode()
    path = write_xlsx(tmp_path / "laughs.xlsx", sheet=sheet_xml([[0]]), shared_strings=laughs)
    with pytest.raises(FileRefused, match="declares XML entities"):
        open_table(path)


def test_shared_strings_read_as_openpyxl_reads_them(tmp_path):
    rich = (
        f'<sst xmlns="{MAIN}"><si><t xml:space="preserve"> An </t></si>'
        "<si><r><rPr><b/></rPr><t>Nguyễn </t></r><r><t>Văn A</t></r>"
        '<rPh sb="0" eb="1"><t>グエン</t></rPh><phoneticPr fontId="1"/></si>'
        "<si><t/></si><si><t>a_x005F_x000D_b</t></si><si><t>ส\u0e21\u0e0a\u0e32\u0e22</t></si></sst>"
    ).encode()
    assert xlsx_parts.read_shared_strings(io.BytesIO(rich)) == read_string_table(io.BytesIO(rich))
    assert xlsx_parts.read_shared_strings(io.BytesIO(rich))[1] == "Nguyễn Văn A"


def test_a_shared_string_of_millions_of_empty_runs_is_refused(tmp_path):
    runs = Repeated(f'<sst xmlns="{MAIN}"><si>'.encode(), b"<r><t></t></r>" * 1000, 100, b"</si></sst>")
    path = write_xlsx(tmp_path / "runs.xlsx", sheet=sheet_xml([[0]]), shared_strings=runs)
    with pytest.raises(FileRefused, match="made of more than"):
        open_table(path)


# --------------------------------------------------------------------------- columns and headers


def test_a_file_of_the_most_columns_is_read_and_one_wider_is_refused(tmp_path):
    names = [f"c{i}" for i in range(MAX_COLUMNS)]
    table, rows = read_all(csv_file(tmp_path, [names, ["1"] * MAX_COLUMNS]))
    assert len(table.header) == MAX_COLUMNS
    assert rows[0].problem is None
    path = csv_file(tmp_path, [[*names, "one more"], ["1"] * (MAX_COLUMNS + 1)], "wide.csv")
    with pytest.raises(FileRefused, match="This file has 1,001 columns; Patron imports at most 1,000."):
        open_table(path)


def test_a_hundred_thousand_columns_are_refused_at_once(tmp_path):
    path = csv_file(tmp_path, [[f"c{i}" for i in range(100_000)], ["1"] * 100_000])
    started = time.process_time()
    with pytest.raises(FileRefused, match="100,000 columns"):
        open_table(path)
    assert time.process_time() - started < 1


def test_empty_columns_after_the_last_name_do_not_count(tmp_path):
    path = tmp_path / "trailing.csv"
    path.write_text("name,phone" + "," * 5000 + "\nAn,1\n")
    table, rows = read_all(path)
    assert table.header == ["name", "phone"]


def test_the_most_columns_of_an_xlsx_file(tmp_path):
    path = write_xlsx(tmp_path / "wide.xlsx", sheet=sheet_xml([[f"c{i}" for i in range(MAX_COLUMNS + 1)]]))
    with pytest.raises(FileRefused, match="1,001 columns"):
        open_table(path)


def test_a_header_name_as_long_as_the_limit_is_read_and_one_longer_refuses_the_file(tmp_path):
    longest = "ก" * MAX_HEADER_LENGTH
    table, _rows = read_all(csv_file(tmp_path, [["name", longest], ["An", "1"]]))
    assert table.header == ["name", longest]
    path = csv_file(tmp_path, [["name", longest + "ข"], ["An", "1"]], "long.csv")
    with pytest.raises(FileRefused, match=r"column 2 in the header \(row 1\) is longer than 255 characters"):
        open_table(path)


def test_a_header_name_too_long_in_an_xlsx_file_is_refused(tmp_path):
    """The 262 KB workbook that named an attribute with 268 million characters, made smaller."""
    path = write_xlsx(
        tmp_path / "name.xlsx",
        sheet=sheet_xml([["name", 0], ["An", "1"]]),
        shared_strings=shared_strings_xml(["x" * 300_000]),
    )
    with pytest.raises(FileRefused, match=r"column 2 in the header \(row 1\) is longer than 255"):
        open_table(path)


def test_a_control_character_in_the_header_refuses_the_file(tmp_path):
    path = csv_file(tmp_path, [["name", "pho\x1bne"], *[["An", "1"]] * 100])
    with pytest.raises(
        FileRefused, match=r"column 2 in the header \(row 1\) holds the control character U\+001B"
    ):
        open_table(path)


def test_a_line_as_long_as_the_limit_is_read_and_one_longer_refuses_the_file(tmp_path):
    """A cell may be 131,072 characters for the csv module, so the line is eight cells and a bit."""
    cells = ["n" * 100_000] * 10
    cells.append("n" * (MAX_LINE_LENGTH - len(",".join(cells)) - 1))
    line = ",".join(cells)
    assert len(line) == MAX_LINE_LENGTH
    path = tmp_path / "long.csv"
    header = ",".join(f"c{i}" for i in range(len(cells)))
    path.write_text(f"{header}\r\n{line}\r\nAn\r\n")
    _table, rows = read_all(path)
    assert [row.number for row in rows] == [2, 3]
    assert rows[0].problem.column == "c0"
    path.write_text(f"{header}\n{line}n\nAn\n")
    with (
        open_table(path) as table,
        pytest.raises(FileRefused, match="Line 2 of this file is longer than 1,048,576"),
    ):
        list(table.rows())


def test_a_file_of_one_huge_line_is_refused_without_reading_it_whole(tmp_path):
    path = tmp_path / "one-line.csv"
    with path.open("w") as file:
        for _ in range(20):
            file.write("a," * 500_000)
    tracemalloc.start()
    with pytest.raises(FileRefused, match="Line 1 of this file is longer than"):
        open_table(path)
    _size, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 32 * 2**20


# --------------------------------------------------------------------------- cells


def test_a_cell_as_long_as_the_limit_is_read_and_one_longer_flaws_its_row(tmp_path):
    path = csv_file(
        tmp_path, [["name", "note"], ["An", "n" * MAX_CELL_LENGTH], ["Bình", "n" * (MAX_CELL_LENGTH + 1)]]
    )
    _table, rows = read_all(path)
    assert rows[0].problem is None
    assert rows[1].problem == CellProblem(
        "note", "the cell is longer than 32,767 characters, more than a spreadsheet cell holds"
    )


def test_a_shared_string_longer_than_a_cell_flaws_the_rows_using_it_and_is_kept_cut(tmp_path):
    strings = shared_strings_xml(["name", "n" * MAX_CELL_LENGTH, "n" * 100_000])
    path = write_xlsx(tmp_path / "cells.xlsx", sheet=sheet_xml([[0], [1], [2]]), shared_strings=strings)
    _table, rows = read_all(path)
    assert rows[0].problem is None
    assert rows[1].problem.reason.startswith("the cell is longer than 32,767 characters")
    assert len(rows[1].values[0]) == MAX_CELL_LENGTH + 1


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9b"])
def test_control_characters_flaw_their_row(tmp_path, character):
    rows = [["name", "phone"], *[["An", "1"]] * 100, [f"Bì{character}nh", "2"]]
    _table, rows = read_all(csv_file(tmp_path, rows))
    assert rows[0].problem is None
    code = f"U+{ord(character):04X}"
    assert rows[-1].problem == CellProblem(
        "name", f"the cell holds the control character {code}, which text may not hold"
    )


def test_tabs_and_line_breaks_in_cells_are_text(tmp_path):
    _table, rows = read_all(csv_file(tmp_path, [["name", "note"], ["An", "one\ttwo\r\nthree\nfour"]]))
    assert rows[0].problem is None


def test_control_characters_in_xlsx_cells_flaw_their_row(tmp_path):
    """XML 1.0 has no C0 controls but tab and line breaks (a file with one is damaged), but DEL and
    the C1 controls are legal in it."""
    strings = shared_strings_xml(["name", "Bình\x9b[2J"])
    sheet = sheet_xml([[0], ["An"], [1], ["Chi\x7f"]])
    _table, rows = read_all(write_xlsx(tmp_path / "controls.xlsx", sheet=sheet, shared_strings=strings))
    assert [row.problem for row in rows] == [
        None,
        CellProblem("name", "the cell holds the control character U+009B, which text may not hold"),
        CellProblem("name", "the cell holds the control character U+007F, which text may not hold"),
    ]


def test_a_nul_at_the_end_of_a_large_file_rejects_its_row_only(tmp_path, db):
    """The sample the encoding is detected from is the first 256 KB; the NUL is 2 MB further."""
    rows = [["name", "phone"]] + [[f"Customer {i}", f"08{i:08d}"] for i in range(100_000)]
    rows[-1][0] = "Last\x00one"
    path = csv_file(tmp_path, rows)
    assert path.stat().st_size > 2 * 2**20
    summary = ImportSummary()
    rejects = RejectFile(tmp_path / "rejects.csv", ["name", "phone"], summary)
    written = []
    with open_table(path) as table:
        batch = list(table.rows())
    flawed, clean = set_aside_flawed(batch)
    written.extend(clean)
    reject_flawed(flawed, rejects)
    rejects.close()
    assert len(written) == 99_999
    assert (summary.read, summary.rejected) == (1, 1)
    assert summary.rejects[0].row == 100_001
    assert summary.rejects[0].column == "name"
    lines = (tmp_path / "rejects.csv").read_text(encoding="utf-8-sig").splitlines()
    reason = "the cell holds the control character U+0000, which text may not hold"
    assert lines[1] == f'Last\x00one,0800099999,100001,"{reason}"'


def test_reasons_are_in_the_readers_language(tmp_path, settings):
    from django.utils import translation

    path = csv_file(tmp_path, [["name"], *[["Bình"]] * 50, ["Bì\x00nh"]])
    with translation.override("vi"):
        _table, rows = read_all(path)
    assert "U+0000" in rows[-1].problem.reason
    assert rows[-1].problem.reason != "the cell holds the control character U+0000, which text may not hold"


# --------------------------------------------------------------------------- custom attributes


@pytest.fixture
def api(client, somchai, thai_shop):
    return with_token(client, somchai)


def create(api, attributes):
    body = {"display_name": "Somsak", "attributes": attributes}
    return api.post("/api/customers", body, content_type="application/json")


def refusal(response):
    assert response.status_code == 422, response.content
    return json.dumps(response.json(), ensure_ascii=False)


def test_an_attribute_name_as_long_as_the_limit_is_kept_and_one_longer_refused(api):
    longest = "ช" * MAX_ATTRIBUTE_KEY_LENGTH
    assert create(api, {longest: 1}).status_code == 201
    answer = refusal(create(api, {longest + "ช": 1}))
    assert f"The attribute name “{'ช' * 40}…” is longer than 255 characters." in answer


def test_an_attribute_text_as_long_as_the_limit_is_kept_and_one_longer_refused(api):
    assert create(api, {"note": "n" * MAX_ATTRIBUTE_VALUE_LENGTH}).status_code == 201
    answer = refusal(create(api, {"note": "n" * (MAX_ATTRIBUTE_VALUE_LENGTH + 1)}))
    assert "The attribute “note” holds a text longer than 32,767 characters." in answer
    answer = refusal(create(api, {"sizes": {"note": ["n" * (MAX_ATTRIBUTE_VALUE_LENGTH + 1)]}}))
    assert "The attribute “note” holds a text longer than 32,767 characters." in answer


def test_attributes_as_large_as_the_limit_are_kept_and_larger_refused(api):
    def of_size(size):
        attributes = {f"a{i}": "x" * 30_000 for i in range(8)}
        attributes["last"] = ""
        attributes["last"] = "x" * (size - len(json.dumps(attributes, ensure_ascii=False)))
        assert len(json.dumps(attributes, ensure_ascii=False)) == size
        return attributes

    assert create(api, of_size(MAX_ATTRIBUTES_SIZE)).status_code == 201
    answer = refusal(create(api, of_size(MAX_ATTRIBUTES_SIZE + 1)))
    assert "The attributes take 262,145 characters; a customer holds at most 262,144." in answer


@pytest.mark.parametrize("character", ["\x01", "\x1b", "\x7f", "\x9b"])
def test_control_characters_in_attributes_are_refused(api, character):
    code = f"U+{ord(character):04X}"
    # The API's schema refuses control characters in any text, as the service does.
    answer = refusal(create(api, {"note": f"a{character}b"}))
    assert f"Text must not contain the control character {code}." in answer
    answer = refusal(create(api, {f"no{character}te": "ab"}))
    assert f"Text must not contain the control character {code}." in answer
    assert create(api, {"note": "one\ttwo\r\nthree"}).status_code == 201


@pytest.mark.parametrize("character", ["\x01", "\x1b", "\x7f", "\x9b"])
def test_the_service_refuses_control_characters_in_attributes(somchai, thai_shop, character):
    code = f"U+{ord(character):04X}"
    with pytest.raises(ValidationError) as refused:
        customer_create(
            data=CustomerData(display_name="An", attributes={"note": f"a{character}b"}), by=somchai
        )
    assert refused.value.message_dict["attributes"] == [
        f"The attribute “note” holds the control character {code}."
    ]


def test_the_service_refuses_what_the_api_refuses(somchai, thai_shop):
    with pytest.raises(ValidationError) as refused:
        customer_create(data=CustomerData(display_name="An", attributes={"x" * 300: 1}), by=somchai)
    assert refused.value.message_dict["attributes"] == [
        f"The attribute name “{'x' * 40}…” is longer than 255 characters."
    ]
