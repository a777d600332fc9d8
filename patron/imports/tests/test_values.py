from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from patron.imports.values import (
    AmbiguousDates,
    AmountReader,
    DateReader,
    ValueProblem,
    parse_bool,
    parse_integer,
    parse_quantity,
)

BANGKOK = ZoneInfo("Asia/Bangkok")
MANILA = ZoneInfo("Asia/Manila")


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize("text", ["2024-03-05", "2024/03/05", "2024.03.05", "2024-3-5"])
def test_year_first_dates_are_read_whatever_the_order(text):
    assert DateReader(order="dmy", zone=BANGKOK).parse_date(text) == date(2024, 3, 5)


@pytest.mark.parametrize("text", ["05/03/2024", "05-03-2024", "05.03.2024", "5/3/2024"])
def test_day_first_dates_with_each_separator(text):
    assert DateReader(order="dmy", zone=BANGKOK).parse_date(text) == date(2024, 3, 5)


@pytest.mark.parametrize("text", ["03/05/2024", "03-05-2024", "03.05.2024", "3/5/2024"])
def test_month_first_dates_with_each_separator(text):
    assert DateReader(order="mdy", zone=BANGKOK).parse_date(text) == date(2024, 3, 5)


def test_iso_date_and_minutes_is_in_the_readers_zone():
    moment = DateReader(zone=BANGKOK).parse_datetime("2024-03-05T14:30")
    assert moment == datetime(2024, 3, 5, 14, 30, tzinfo=BANGKOK)
    assert moment.utcoffset() == timedelta(hours=7)


def test_iso_date_with_space_seconds_and_offset_keeps_the_offset():
    moment = DateReader(zone=MANILA).parse_datetime("2024-03-05 14:30:00+07:00")
    assert moment.utcoffset() == timedelta(hours=7)
    assert moment == datetime(2024, 3, 5, 7, 30, tzinfo=UTC)


def test_iso_z_suffix_is_utc():
    moment = DateReader(zone=BANGKOK).parse_datetime("2024-03-05T14:30:00Z")
    assert moment == datetime(2024, 3, 5, 14, 30, tzinfo=UTC)
    assert moment.utcoffset() == timedelta(0)


def test_offset_without_colon_is_read():
    moment = DateReader(zone=BANGKOK).parse_datetime("2024-03-05T14:30+0300")
    assert moment.utcoffset() == timedelta(hours=3)


def test_negative_offset_is_read():
    moment = DateReader(zone=BANGKOK).parse_datetime("2024-03-05T14:30-05:00")
    assert moment == datetime(2024, 3, 5, 19, 30, tzinfo=UTC)


def test_date_without_time_is_midnight_in_the_zone():
    moment = DateReader(order="dmy", zone=BANGKOK).parse_datetime("05/03/2024")
    assert moment == datetime(2024, 3, 5, 0, 0, tzinfo=BANGKOK)


def test_day_first_date_with_time_and_seconds():
    moment = DateReader(order="dmy", zone=BANGKOK).parse_datetime("05/03/2024 14:30:15")
    assert moment == datetime(2024, 3, 5, 14, 30, 15, tzinfo=BANGKOK)


def test_pm_time_is_afternoon():
    moment = DateReader(order="mdy", zone=MANILA).parse_datetime("03/05/2024 2:30 PM")
    assert moment == datetime(2024, 3, 5, 14, 30, tzinfo=MANILA)


def test_twelve_am_is_midnight():
    moment = DateReader(order="dmy", zone=BANGKOK).parse_datetime("05/03/2024 12:15 am")
    assert (moment.hour, moment.minute) == (0, 15)


def test_twelve_pm_is_noon():
    moment = DateReader(order="dmy", zone=BANGKOK).parse_datetime("05/03/2024 12:00 p.m.")
    assert moment.hour == 12


def test_hour_above_twelve_with_pm_is_refused():
    with pytest.raises(ValueProblem, match="not a time"):
        DateReader(order="dmy", zone=BANGKOK).parse_datetime("05/03/2024 14:00 PM")


def test_parse_date_ignores_the_time_of_day():
    assert DateReader(zone=BANGKOK).parse_date("2024-03-05T23:30:00Z") == date(2024, 3, 5)


def test_datetime_in_zone_with_daylight_saving_uses_that_days_offset():
    moment = DateReader(zone=ZoneInfo("Europe/Istanbul")).parse_datetime("2024-07-01 10:00")
    assert moment.utcoffset() == timedelta(hours=3)


def test_unambiguous_day_first_is_read_without_an_order():
    assert DateReader(zone=BANGKOK).parse_date("25/03/2024") == date(2024, 3, 25)


def test_unambiguous_month_first_is_read_without_an_order():
    assert DateReader(zone=BANGKOK).parse_date("03/25/2024") == date(2024, 3, 25)


def test_ambiguous_value_without_an_order_is_refused():
    with pytest.raises(ValueProblem, match=r"'03/04/2024' could be day-first or month-first.*--date-order"):
        DateReader(zone=BANGKOK).parse_date("03/04/2024")


@pytest.mark.parametrize("text", ["31/02/2024", "hello", "2024-13-01", "2024-02-30", "32/01/2024", ""])
def test_impossible_dates_are_refused_naming_the_value(text):
    with pytest.raises(ValueProblem) as caught:
        DateReader(order="dmy", zone=BANGKOK).parse_date(text)
    assert str(caught.value) == f"'{text}' is not a date"


def test_month_first_reader_refuses_month_thirteen():
    with pytest.raises(ValueProblem, match="'13/05/2024' is not a date"):
        DateReader(order="mdy", zone=BANGKOK).parse_date("13/05/2024")


@pytest.mark.parametrize("text", ["05/03/24", "5-3-24", "05.03.24"])
def test_two_digit_years_are_refused_as_ambiguous(text):
    with pytest.raises(ValueProblem, match="use four-digit years"):
        DateReader(order="dmy", zone=BANGKOK).parse_date(text)


def test_impossible_time_is_refused():
    with pytest.raises(ValueProblem, match="not a valid time"):
        DateReader(zone=BANGKOK).parse_datetime("2024-03-05 25:00")


def test_value_problem_is_a_value_error_with_its_message():
    with pytest.raises(ValueError) as caught:
        DateReader(zone=BANGKOK).parse_date("hello")
    assert caught.value.message == "'hello' is not a date"


def test_detect_order_day_first_when_a_first_part_is_above_twelve():
    assert DateReader.detect_order(["03/04/2024", "25/03/2024"]) == "dmy"


def test_detect_order_month_first_when_a_second_part_is_above_twelve():
    assert DateReader.detect_order(["03/04/2024", "03/25/2024"]) == "mdy"


def test_detect_order_year_first_when_every_value_is_iso():
    assert DateReader.detect_order(["2024-03-04", "2024-03-25T10:00"]) == "ymd"


def test_detect_order_none_when_every_value_is_ambiguous():
    assert DateReader.detect_order(["03/04/2024", "05/06/2024", "2024-01-01"]) is None


def test_detect_order_ignores_values_that_are_not_dates():
    assert DateReader.detect_order(["", "hello", "25/03/2024"]) == "dmy"


def test_detect_order_refuses_a_mix_of_day_first_and_month_first():
    with pytest.raises(AmbiguousDates, match="mix day-first"):
        DateReader.detect_order(["25/03/2024", "03/25/2024"])


def test_for_column_refuses_an_ambiguous_column_with_the_cli_hint():
    with pytest.raises(AmbiguousDates) as caught:
        DateReader.for_column(["03/04/2024", "05/06/2024"], zone=BANGKOK)
    assert str(caught.value) == (
        "This file's dates could be day-first or month-first (e.g. 03/04/2024): "
        "choose the date order (--date-order dmy or mdy)."
    )


def test_for_column_with_an_explicit_order_accepts_an_ambiguous_column():
    reader = DateReader.for_column(["03/04/2024", "05/06/2024"], order="mdy", zone=BANGKOK)
    assert reader.parse_date("03/04/2024") == date(2024, 3, 4)


def test_for_column_detects_the_order():
    reader = DateReader.for_column(["03/04/2024", "25/03/2024"], zone=BANGKOK)
    assert reader.order == "dmy"
    assert reader.parse_date("03/04/2024") == date(2024, 4, 3)


def test_for_column_of_only_repeated_day_and_month_is_not_ambiguous():
    reader = DateReader.for_column(["03/03/2024", "2024-01-01"], zone=BANGKOK)
    assert reader.parse_date("03/03/2024") == date(2024, 3, 3)


def test_for_column_uses_the_zone():
    reader = DateReader.for_column(["2024-03-05 10:00"], zone=MANILA)
    assert reader.parse_datetime("2024-03-05 10:00").tzinfo == MANILA


def test_buddhist_calendar_subtracts_543_years():
    reader = DateReader(order="dmy", calendar="buddhist", zone=BANGKOK)
    assert reader.parse_date("05/03/2567") == date(2024, 3, 5)


def test_buddhist_leap_day_is_checked_in_the_gregorian_year():
    reader = DateReader(order="dmy", calendar="buddhist", zone=BANGKOK)
    assert reader.parse_date("29/02/2567") == date(2024, 2, 29)


def test_buddhist_calendar_refuses_a_gregorian_year():
    reader = DateReader(order="dmy", calendar="buddhist", zone=BANGKOK)
    with pytest.raises(ValueProblem, match="not a Buddhist-era date"):
        reader.parse_date("05/03/2024")


def test_detect_calendar_buddhist_when_every_year_is_above_2400():
    assert DateReader.detect_calendar(["05/03/2567", "2566-12-31", "hello"]) == "buddhist"


def test_detect_calendar_gregorian_when_any_year_is_gregorian():
    assert DateReader.detect_calendar(["05/03/2567", "05/03/2024"]) == "gregorian"


def test_detect_calendar_gregorian_without_dates():
    assert DateReader.detect_calendar(["", "hello"]) == "gregorian"


def test_for_column_detects_the_buddhist_calendar():
    reader = DateReader.for_column(["13/01/2567", "05/03/2567"], zone=BANGKOK)
    assert reader.parse_date("05/03/2567") == date(2024, 3, 5)


def test_for_column_explicit_gregorian_keeps_the_year():
    reader = DateReader.for_column(["13/01/2567"], calendar="gregorian", zone=BANGKOK)
    assert reader.parse_date("13/01/2567") == date(2567, 1, 13)


def test_unknown_order_is_a_programming_error():
    with pytest.raises(ValueError, match="Unknown date order"):
        DateReader(order="dym")


# --------------------------------------------------------------------------- amounts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234.56", "1234.56"),
        ("฿1,234.56", "1234.56"),
        ("฿ 1,234.56", "1234.56"),
        ("1,234.56 THB", "1234.56"),
        ("THB1234.56", "1234.56"),
        ("1234.56 baht", "1234.56"),
        ("1,234.56 บาท", "1234.56"),
        ("1\u00a0234.56", "1234.56"),
        ("12", "12"),
        ("0.5", "0.5"),
        ("1,234,567.89", "1234567.89"),
    ],
)
def test_thai_baht_amounts(text, expected):
    assert AmountReader("THB").parse(text) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234.000", "1234000"),
        ("1.234.000 ₫", "1234000"),
        ("1.234.000đ", "1234000"),
        ("1.234.000 VNĐ", "1234000"),
        ("1.234.000 VND", "1234000"),
        ("1,234,000", "1234000"),
        ("1.234", "1234"),
        ("50.000 đồng", "50000"),
    ],
)
def test_vietnamese_dong_amounts(text, expected):
    assert AmountReader("VND").parse(text) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,56", "1234.56"),
        ("₺1.234,56", "1234.56"),
        ("1.234,56 TL", "1234.56"),
        ("1.234,56 TRY", "1234.56"),
        ("1 234,56", "1234.56"),
        ("12,5", "12.5"),
        ("1.234", "1234"),
    ],
)
def test_turkish_lira_amounts(text, expected):
    assert AmountReader("TRY", locale_hint="tr").parse(text) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("₱1,234.50", "1234.50"), ("PHP 1,234.50", "1234.50"), ("Php 99.99", "99.99"), ("1234.5", "1234.5")],
)
def test_philippine_peso_amounts(text, expected):
    assert AmountReader("PHP", locale_hint="fil").parse(text) == Decimal(expected)


def test_comma_decimal_is_read_by_shape_without_a_hint():
    assert AmountReader("TRY").parse("1.234,56") == Decimal("1234.56")


def test_space_grouped_thousands_with_comma_decimal():
    assert AmountReader("EUR").parse("1 234,56 €") == Decimal("1234.56")


def test_single_separator_and_three_digits_is_thousands_without_a_hint():
    assert AmountReader("THB").parse("1,234") == Decimal("1234")


def test_single_dot_and_three_digits_is_thousands_without_a_hint():
    assert AmountReader("THB").parse("1.234") == Decimal("1234")


def test_single_comma_and_three_digits_is_decimal_with_turkish_hint():
    assert AmountReader("TRY", locale_hint="tr").parse("1,234") == Decimal("1.234")


def test_single_dot_and_three_digits_is_decimal_with_thai_hint():
    assert AmountReader("THB", locale_hint="th").parse("1.234") == Decimal("1.234")


def test_single_comma_and_three_digits_is_thousands_with_thai_hint():
    assert AmountReader("THB", locale_hint="th").parse("1,234") == Decimal("1234")


def test_three_digit_decimals_in_a_three_decimal_currency_without_a_hint():
    assert AmountReader("KWD").parse("1.234") == Decimal("1.234")


def test_currency_without_minor_units_always_groups_three_digits():
    assert AmountReader("VND", locale_hint="vi").parse("1.234") == Decimal("1234")


@pytest.mark.parametrize(
    "text", ["-12.50", "−12.50", "(12.50)", "12.50-", "-฿12.50", "฿-12.50", "(฿12.50)", "(12.50 THB)"]
)
def test_negative_amounts(text):
    assert AmountReader("THB").parse(text) == Decimal("-12.50")


def test_explicit_plus_sign_is_positive():
    assert AmountReader("THB").parse("+12.50") == Decimal("12.50")


def test_amount_is_an_exact_decimal():
    value = AmountReader("THB").parse("0.10")
    assert isinstance(value, Decimal)
    assert value == Decimal("0.10")
    assert str(value) == "0.10"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("$12.00", "USD"),
        ("US$12.00", "USD"),
        ("12.00 USD", "USD"),
        ("€12.00", "EUR"),
        ("12 TL", "TRY"),
        ("₫12", "VND"),
    ],
)
def test_another_currencys_symbol_or_code_is_refused(text, found):
    with pytest.raises(ValueProblem) as caught:
        AmountReader("THB").parse(text)
    assert str(caught.value) == f"'{text}' is in {found} but this file is in THB"


def test_dollar_sign_is_the_files_own_dollar():
    assert AmountReader("SGD").parse("$12.00") == Decimal("12.00")


@pytest.mark.parametrize(
    "text",
    ["1e5", "NaN", "nan", "inf", "-Infinity", "abc", "12 abc", "1.2.3,4,5", "1,23,4", "--5", "(5", "12..5"],
)
def test_non_amounts_are_refused(text):
    with pytest.raises(ValueProblem, match=r"is not an amount of money"):
        AmountReader("THB").parse(text)


@pytest.mark.parametrize("text", ["", "   ", None])
def test_empty_amount_is_refused(text):
    with pytest.raises(ValueProblem, match="empty"):
        AmountReader("THB").parse(text)


def test_unknown_currency_is_refused_when_reading_starts():
    with pytest.raises(ValueError, match="Unknown currency"):
        AmountReader("XYZ")


def test_unknown_locale_hint_is_refused_when_reading_starts():
    with pytest.raises(ValueError, match="Unknown locale"):
        AmountReader("THB", locale_hint="zz_ZZ")


@pytest.mark.parametrize(
    ("text", "expected"), [("2", "2"), ("1.5", "1.5"), ("1,000", "1000"), ("-1", "-1"), ("0", "0")]
)
def test_quantities(text, expected):
    assert parse_quantity(text) == Decimal(expected)


def test_quantity_with_comma_decimal_and_turkish_hint():
    assert parse_quantity("1,250", locale_hint="tr") == Decimal("1.250")


@pytest.mark.parametrize("text", ["2 pcs", "฿2", "two", "1e3", ""])
def test_non_quantities_are_refused(text):
    with pytest.raises(ValueProblem):
        parse_quantity(text)


def test_amount_reader_reads_quantities_with_its_locale_hint():
    assert AmountReader("TRY", locale_hint="tr").parse_quantity("2,5") == Decimal("2.5")


@pytest.mark.parametrize(("text", "expected"), [("12", 12), ("1,200", 1200), ("-3", -3), ("12.0", 12)])
def test_integers(text, expected):
    assert parse_integer(text) == expected


@pytest.mark.parametrize("text", ["12.5", "twelve", "1e3"])
def test_non_integers_are_refused(text):
    with pytest.raises(ValueProblem, match="is not a whole number"):
        parse_integer(text)


# --------------------------------------------------------------------------- yes / no


@pytest.mark.parametrize("text", ["yes", "Y", "TRUE", "1", "ใช่", "Có", "có", "Evet", "oo", "Oo "])
def test_yes_words_are_true(text):
    assert parse_bool(text) is True


@pytest.mark.parametrize("text", ["no", "N", "false", "0", "ไม่", "Không", "không", "Hayır", "HAYIR", "hindi"])
def test_no_words_are_false(text):
    assert parse_bool(text) is False


@pytest.mark.parametrize("text", ["maybe", "", "2", "yess"])
def test_other_words_are_refused(text):
    with pytest.raises(ValueProblem, match="is not yes or no"):
        parse_bool(text)
