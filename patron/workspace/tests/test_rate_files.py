"""Rate files read as a person wrote them: real CSV and XLSX files in both shapes, each rate
with its date as parsed, or the reason it cannot be read."""

from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest

from patron.workspace.rate_files import BASE_IN_FOREIGN, RateFileError, read_cells, read_rates
from patron.workspace.rate_numbers import AmbiguousMark, RateProblem, inverted, read_rate


def csv_file(tmp_path, text, name="rates.csv", encoding="utf-8-sig"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def xlsx_file(tmp_path, rows, name="rates.xlsx"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def read(path, **options):
    return read_rates(read_cells(path), base="THB", **options)


def rates(reading):
    return [(ln.currency, ln.day, ln.rate) for ln in reading.lines]


def test_a_long_csv_with_a_bom_semicolons_and_decimal_commas(tmp_path):
    path = csv_file(
        tmp_path,
        "Ngày;Tiền tệ;Tỷ giá\n14/05/2026;USD;32,8512\n14/05/2026;eur;37,1\n15/05/2026;USD;32,9\n",
    )
    reading = read(path)
    assert reading.shape == "long" and reading.date_order == "dmy" and reading.questions == []
    assert rates(reading) == [
        ("USD", date(2026, 5, 14), Decimal("32.8512")),
        ("EUR", date(2026, 5, 14), Decimal("37.1")),
        ("USD", date(2026, 5, 15), Decimal("32.9")),
    ]
    assert reading.added == 3 and reading.can_save


def test_a_wide_xlsx_with_real_excel_dates_and_dates_as_text(tmp_path):
    path = xlsx_file(
        tmp_path,
        [
            ["Date", "USD", "JPY", "Note"],
            [datetime(2026, 5, 14), 32.85, 0.2121, "from the bank"],
            ["2026-05-15", 32.9, None, ""],  # JPY empty: a day without its rate
            [date(2026, 5, 18), None, None, "holiday"],  # no rate at all: nothing to read
        ],
    )
    reading = read(path)
    assert reading.shape == "wide" and reading.ignored_columns == ["Note"]
    assert rates(reading) == [
        ("USD", date(2026, 5, 14), Decimal("32.85")),
        ("JPY", date(2026, 5, 14), Decimal("0.2121")),
        ("USD", date(2026, 5, 15), Decimal("32.9")),
    ]


def test_an_xlsx_whose_dates_are_text_written_day_first(tmp_path):
    path = xlsx_file(tmp_path, [["วันที่", "USD"], ["13/05/2026", "32.85"], ["03/05/2026", "32.5"]])
    reading = read(path)
    assert reading.date_order == "dmy"
    assert [ln.day for ln in reading.lines] == [date(2026, 5, 13), date(2026, 5, 3)]


def test_a_date_that_reads_two_ways_is_questioned_until_the_order_is_chosen(tmp_path):
    path = csv_file(tmp_path, "Date,Currency,Rate\n03/05/2026,USD,32.5\n04/05/2026,USD,32.6\n")
    reading = read(path)
    assert reading.questions == ["date_order"] and not reading.can_save
    assert "'03/05/2026' could be day-first or month-first" in reading.lines[0].problem
    assert reading.lines[0].day is None

    day_first = read(path, date_order="dmy")
    month_first = read(path, date_order="mdy")
    assert day_first.questions == [] and day_first.lines[0].day == date(2026, 5, 3)
    assert month_first.lines[0].day == date(2026, 3, 5)


def test_dates_written_both_ways_in_one_file_are_questioned(tmp_path):
    path = csv_file(tmp_path, "Date,USD\n13/05/2026,32.5\n05/14/2026,32.6\n")
    reading = read(path)
    assert reading.questions == ["date_mixed"] and not reading.can_save


def test_buddhist_era_years_are_read_as_such(tmp_path):
    path = csv_file(tmp_path, "วันที่,สกุลเงิน,อัตรา\n14/05/2569,USD,32.5\n")
    reading = read(path)
    assert reading.calendar == "buddhist" and reading.lines[0].day == date(2026, 5, 14)


def test_each_reason_a_rate_cannot_be_read(tmp_path):
    path = csv_file(
        tmp_path,
        "Date,Currency,Rate\n"
        "2026-05-14,USD,32.5\n"
        "2026-05-14,XYZ,1.5\n"  # no such currency
        "2026-05-14,THB,1\n"  # the base currency
        "2026-05-14,EUR,-3\n"  # not above 0
        "2026-05-14,JPY,abc\n"  # not a number
        "2026-05-14,GBP,1.12345678901\n"  # too many places
        "2026-05-15,USD,32.5\n"
        "2026-05-15,USD,32.6\n"  # the same day twice with two rates
        "2026-05-16,USD,33\n"
        "2026-05-16,USD,33.0\n"  # twice with one rate: read once
        "31/02/2026,SGD,25\n",  # no such day
    )
    reading = read(path)
    problems = {ln.row: ln.problem for ln in reading.lines if ln.problem}
    assert sorted(problems) == [3, 4, 5, 6, 7, 8, 9, 12]
    assert "XYZ" in problems[3] and "currency code" in problems[3]
    assert "THB is the base currency" in problems[4]
    assert "above 0" in problems[5] and "above 0" in problems[6]
    assert "10 decimal places" in problems[7]
    assert "rows 8, 9" in problems[8] and problems[8] == problems[9]
    assert "31/02/2026" in problems[12]
    assert reading.lines[-2].status == "repeated" and reading.lines[-2].same_as == 10
    assert reading.problems == 8 and reading.added == 2 and not reading.can_save


def test_rates_quoted_the_other_way_round_are_stored_as_their_inverse(tmp_path):
    path = csv_file(tmp_path, "Date,VND,USD\n2026-05-14,740,0.0305\n")
    reading = read(path, quote=BASE_IN_FOREIGN)
    # 1 / 740 = 0.00135135135..., half-even at 10 places; 1 / 0.0305 = 32.7868852459016...
    assert rates(reading) == [
        ("VND", date(2026, 5, 14), Decimal("0.0013513514")),
        ("USD", date(2026, 5, 14), Decimal("32.7868852459")),
    ]


def test_a_decimal_sign_the_file_does_not_settle_is_questioned(tmp_path):
    path = csv_file(tmp_path, 'Date,USD\n2026-05-14,"25,345"\n2026-05-15,"25,350"\n')
    reading = read_rates(read_cells(path), base="VND")
    assert reading.questions == ["decimal"] and all(ln.rate is None for ln in reading.lines)
    assert read_rates(read_cells(path), base="VND", decimal=".").lines[0].rate == Decimal("25345")
    assert read_rates(read_cells(path), base="VND", decimal=",").lines[0].rate == Decimal("25.345")


def test_the_other_values_of_a_file_settle_its_decimal_sign(tmp_path):
    path = csv_file(tmp_path, "Date;USD\n2026-05-14;25.345,5\n2026-05-15;25.350\n")
    reading = read_rates(read_cells(path), base="VND")
    assert reading.questions == [] and reading.decimal == ","
    assert [ln.rate for ln in reading.lines] == [Decimal("25345.5"), Decimal("25350")]


def test_a_file_that_is_no_rate_table_is_refused_with_the_shapes_it_could_have(tmp_path):
    path = csv_file(tmp_path, "Name,Phone\nSomsri,0812345678\n")
    with pytest.raises(RateFileError, match="one column per currency"):
        read(path)
    with pytest.raises(RateFileError):
        read_cells(csv_file(tmp_path, "%PDF-1.4 binary", name="rates.csv", encoding="ascii"))


def test_saved_rates_that_would_change_are_marked(tmp_path):
    path = csv_file(tmp_path, "Date,USD\n2026-05-14,32.5\n2026-05-15,32.6\n2026-05-18,32.7\n")
    saved = {("USD", date(2026, 5, 14)): Decimal("32.5"), ("USD", date(2026, 5, 15)): Decimal("32.4")}
    reading = read_rates(read_cells(path), base="THB", existing=lambda currencies, start, end: saved)
    assert [ln.status for ln in reading.lines] == ["same", "changed", "new"]
    assert reading.lines[1].current == Decimal("32.4") and reading.writes() == [
        ("USD", date(2026, 5, 15), Decimal("32.6")),
        ("USD", date(2026, 5, 18), Decimal("32.7")),
    ]


@pytest.mark.parametrize(
    ("text", "decimal", "value"),
    [
        ("35.5", None, "35.5"),
        ("35,5", None, "35.5"),
        ("0,123", None, "0.123"),
        ("1.234,56", None, "1234.56"),
        ("1,234,567", None, "1234567"),
        ("25 345", None, "25345"),
        ("1,234", ".", "1234"),
        ("1,234", ",", "1.234"),
        ("0.0000000001", None, "0.0000000001"),
    ],
)
def test_a_rate_is_read_exactly(text, decimal, value):
    assert read_rate(text, decimal) == Decimal(value)


@pytest.mark.parametrize(
    "text", ["", "0", "-1", "1e3", "1,234,5", "12,34.5", "5.", "0.00000000001", "10000000000"]
)
def test_what_is_not_a_rate(text):
    with pytest.raises(RateProblem):
        read_rate(text, ".")


def test_a_rate_whose_sign_could_be_either_needs_the_decimal_sign():
    with pytest.raises(AmbiguousMark):
        read_rate("1,234")


def test_an_inverse_rounds_half_even_at_ten_places():
    assert inverted(Decimal("3")) == Decimal("0.3333333333")
    assert inverted(Decimal("0.5")) == Decimal("2")
    assert inverted(Decimal("1600")) == Decimal("0.000625")
    # 1 / 8 = 0.125 exactly; 1 / 32,000,000,000 = 0.00000000003125 rounds to 0: refused.
    with pytest.raises(RateProblem, match="rounds to 0"):
        inverted(Decimal("32000000000"))
