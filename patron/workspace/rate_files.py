"""Reading a table of exchange rates (CSV or XLSX) into the rates it holds, before anything is
saved: each rate with its date as parsed, its currency and the value that would be stored, or
the reason it cannot be read.

Two shapes are accepted, told apart by the header:

- long: a date column, a currency column and a rate column (one rate a row);
- wide: a date column and one column per currency, headed by its ISO code (USD, EUR...);
  an empty cell is a day without a rate for that currency.

The file is read into text cells once (:func:`read_cells`, through the import's readers, so an
XLSX date cell arrives as 2026-05-14 and a number without float noise); everything after that
works on those cells, so the page can read them again with other choices (date order, decimal
sign, which way the rates are quoted) without the file.
"""

import os
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from patron.imports.reading import FileRefused, open_table
from patron.imports.values import AmbiguousDates, DateReader, ValueProblem
from patron.workspace.money import CURRENCY_CODES
from patron.workspace.rate_numbers import MARKS, AmbiguousMark, RateProblem, inverted, own_mark, read_rate

MAX_RATES = 50_000
"""Rates (filled cells) in one file: twenty years of ten currencies' working days. A larger
file is refused before anything is read further; split it by year."""

CODES = frozenset(CURRENCY_CODES)
DATE_ORDERS = ("dmy", "mdy", "ymd")
FOREIGN_IN_BASE = "foreign"  # 1 unit of the foreign currency = X units of the base currency
BASE_IN_FOREIGN = "base"  # 1 unit of the base currency = X units of the foreign currency
QUOTES = (FOREIGN_IN_BASE, BASE_IN_FOREIGN)


def _fold(name):
    name = unicodedata.normalize("NFC", name).casefold().replace("_", " ").replace("-", " ")
    return re.sub(r"\s+", " ", name).strip()


# Column names of the long shape, in the shops' languages (compared folded, see _fold).
DATE_NAMES = {_fold(n) for n in ("date", "day", "วันที่", "วัน", "ngày", "tarih", "petsa", "araw")}
CURRENCY_NAMES = {
    _fold(n)
    for n in (
        "currency",
        "currency code",
        "code",
        "สกุลเงิน",
        "รหัสสกุลเงิน",
        "tiền tệ",
        "loại tiền",
        "ngoại tệ",
        "mã tiền tệ",
        "para birimi",
        "döviz",
        "döviz kodu",
        "pera",
        "salapi",
        "kodigo ng pera",
    )
}
RATE_NAMES = {
    _fold(n)
    for n in (
        "rate",
        "exchange rate",
        "อัตรา",
        "อัตราแลกเปลี่ยน",
        "tỷ giá",
        "tỉ giá",
        "kur",
        "döviz kuru",
        "palitan",
        "halaga ng palitan",
    )
}


class RateFileError(ValueError):
    """A file that cannot be read as a rate table at all; the message says why."""

    @property
    def message(self):
        return self.args[0]


@dataclass(frozen=True)
class Cells:
    """A file read into text: its name, header and rows as (row number, [cells])."""

    name: str
    header: list
    rows: list

    def to_json(self):
        return {"name": self.name, "header": self.header, "rows": self.rows}

    @classmethod
    def from_json(cls, data):
        return cls(data["name"], list(data["header"]), [(n, list(v)) for n, v in data["rows"]])


def read_cells(path, name=None):
    """The text cells of the file at ``path`` (CSV of any usual encoding and delimiter, or XLSX).

    Raises RateFileError for a file that is no table, or holds more than MAX_RATES cells.
    """
    try:
        with open_table(path) as table:
            header = list(table.header)
            rows, filled = [], 0
            for row in table.rows():
                if row.problem is not None:
                    raise RateFileError(
                        _("Row %(row)s cannot be read: %(reason)s")
                        % {"row": row.number, "reason": row.problem.reason}
                    )
                filled += sum(1 for value in row.values[1:] if value.strip())
                if filled > MAX_RATES:
                    raise RateFileError(
                        _("This file holds more than %(limit)s rates; split it, by year for example.")
                        % {"limit": f"{MAX_RATES:,}"}
                    )
                rows.append((row.number, [value.strip() for value in row.values]))
    except FileRefused as refused:
        raise RateFileError(refused.message) from None
    return Cells(name or os.path.basename(path), header, rows)


@dataclass(slots=True)
class Line:
    """One rate of the file as it will be read: ``problem`` says why it cannot be."""

    row: int
    date_text: str
    currency_text: str
    rate_text: str
    day: date | None = None
    currency: str = ""
    rate: Decimal | None = None
    problem: str = ""
    current: Decimal | None = None  # the rate saved for that currency and day, if any
    same_as: int | None = None  # the row this one repeats (same date, currency and rate)

    @property
    def status(self):
        if self.problem:
            return "problem"
        if self.same_as is not None:
            return "repeated"
        if self.current is None:
            return "new"
        return "same" if self.current == self.rate else "changed"


@dataclass
class Reading:
    """What a rate file says: its shape, how it was read, each rate, and what must be chosen."""

    name: str
    shape: str
    date_order: str | None
    calendar: str
    decimal: str | None
    quote: str
    lines: list = field(default_factory=list)
    questions: list = field(default_factory=list)
    ignored_columns: list = field(default_factory=list)

    def count(self, status):
        return sum(1 for line in self.lines if line.status == status)

    @property
    def added(self):
        return self.count("new")

    @property
    def changed(self):
        return self.count("changed")

    @property
    def problems(self):
        return self.count("problem")

    @property
    def can_save(self):
        return not self.questions and not self.problems and (self.added or self.changed)

    def writes(self):
        """(currency, day, rate) of every rate to add or change."""
        return [(ln.currency, ln.day, ln.rate) for ln in self.lines if ln.status in ("new", "changed")]


def _is_code(name):
    return len(name) == 3 and name.isascii() and name.isalpha()


def _columns(header):
    """(shape, date column, currency column or None, rate column or {index: code}, ignored names)."""
    folded = [_fold(name) for name in header]
    dates = [i for i, name in enumerate(folded) if name in DATE_NAMES]
    currencies = [i for i, name in enumerate(folded) if name in CURRENCY_NAMES]
    rates = [i for i, name in enumerate(folded) if name in RATE_NAMES]
    if dates and currencies and rates:
        used = {dates[0], currencies[0], rates[0]}
        ignored = [header[i] for i in range(len(header)) if i not in used]
        return "long", dates[0], currencies[0], rates[0], ignored
    codes = {i: header[i].strip().upper() for i in range(len(header)) if _is_code(header[i].strip())}
    codes = {i: code for i, code in codes.items() if folded[i] not in DATE_NAMES}
    others = [i for i in range(len(header)) if i not in codes]
    date_column = dates[0] if dates else (others[0] if len(others) == 1 else None)
    if codes and date_column is not None:
        ignored = [header[i] for i in others if i != date_column]
        return "wide", date_column, None, codes, ignored
    raise RateFileError(
        _(
            "This file is not a rate table. Give either a Date, a Currency and a Rate column "
            "(one rate a row), or a Date column and one column per currency headed by its code "
            "(USD, EUR...). The columns found: %(columns)s."
        )
        % {"columns": ", ".join(header)}
    )


def read_rates(cells, *, base, existing=None, date_order=None, decimal=None, quote=FOREIGN_IN_BASE):
    """Read ``cells`` (see :class:`Cells`) as rates against the base currency ``base``.

    ``date_order``: "dmy", "mdy" or "ymd", or None to tell from the file (a question when it
    cannot); ``decimal``: "." or ",", or None likewise; ``quote``: FOREIGN_IN_BASE (1 foreign =
    X base, as stored) or BASE_IN_FOREIGN (1 base = X foreign, stored as 1 / X, see
    patron.workspace.rate_numbers.inverted). ``existing``: a function from a set of currencies
    and a date range to {(currency, day): rate} of the rates saved, to mark changes.
    """
    shape, date_column, currency_column, rate_columns, ignored = _columns(cells.header)
    lines = _lines(cells, shape, date_column, currency_column, rate_columns)
    reading = Reading(cells.name, shape, date_order, "gregorian", decimal, quote, ignored_columns=ignored)
    _read_dates(reading, lines)
    _read_numbers(reading, lines, base)
    _mark_repeats(lines)
    if existing is not None:
        _mark_current(lines, existing)
    reading.lines = lines
    return reading


def _lines(cells, shape, date_column, currency_column, rate_columns):
    lines = []
    for number, values in cells.rows:
        if shape == "long":
            lines.append(Line(number, values[date_column], values[currency_column], values[rate_columns]))
            continue
        filled = [(code, values[i]) for i, code in rate_columns.items() if values[i]]
        if not filled and values[date_column]:
            continue  # a day without any rate (a holiday)
        lines.extend(Line(number, values[date_column], code, text) for code, text in filled)
    return lines


def _read_dates(reading, lines):
    texts = list(dict.fromkeys(line.date_text for line in lines if line.date_text))
    order = reading.date_order
    if order is None:
        try:
            order = DateReader.detect_order(texts)
        except AmbiguousDates:
            order = None
            reading.questions.append("date_mixed")
        if order is None and any(_two_ways(text) for text in texts) and not reading.questions:
            reading.questions.append("date_order")
    reading.date_order = order
    reading.calendar = DateReader.detect_calendar(texts)
    reader = DateReader(order=order, calendar=reading.calendar)
    read = {}  # a wide file gives each date to every currency of its row
    for line in lines:
        if line.date_text not in read:
            read[line.date_text] = _read_date(line.date_text, reader, order)
        line.day, line.problem = read[line.date_text]


def _read_date(text, reader, order):
    """(the day, "") or (None, why it cannot be read)."""
    if not text:
        return None, _("The date is empty.")
    if order is None and _two_ways(text):
        return None, _("'%(value)s' could be day-first or month-first: choose the date order.") % {
            "value": text
        }
    try:
        return reader.parse_date(text), ""
    except ValueProblem:
        return None, _("'%(value)s' is not a date.") % {"value": text}


def _two_ways(text):
    """Whether a date such as 03/05/2026 could be read day-first or month-first."""
    parts = re.match(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-]\d{4}\b", text)
    return bool(parts) and int(parts[1]) <= 12 and int(parts[2]) <= 12 and parts[1] != parts[2]


def _read_numbers(reading, lines, base):
    if reading.decimal is None:
        found = {own_mark(text) for text in {line.rate_text for line in lines} if text}
        shown = found & set(MARKS)
        if None in found:
            if len(shown) == 1:
                reading.decimal = shown.pop()
            else:
                reading.questions.append("decimal")
    read = {}
    for line in lines:
        code = line.currency_text.strip().upper()
        if line.problem:
            pass
        elif not code:
            line.problem = _("The currency is empty.")
        elif code not in CODES:
            line.problem = _("'%(value)s' is not a currency code (such as USD).") % {
                "value": line.currency_text
            }
        elif code == base:
            line.problem = _("%(code)s is the base currency: it has no exchange rate.") % {"code": code}
        line.currency = code
        if line.rate_text not in read:
            read[line.rate_text] = _read_rate(line.rate_text, reading.decimal, reading.quote)
        line.rate, problem = read[line.rate_text]
        line.problem = line.problem or problem


def _read_rate(text, decimal, quote):
    """(the rate to store, "") or (None, why it cannot be read)."""
    try:
        value = read_rate(text, decimal)
        return (inverted(value) if quote == BASE_IN_FOREIGN else value), ""
    except AmbiguousMark as problem:
        return None, problem.message + " " + _("Choose the decimal sign.")
    except RateProblem as problem:
        return None, problem.message


def _mark_repeats(lines):
    """A rate given twice with the same value is read once; with two values, neither is read."""
    same_day = defaultdict(list)
    for line in lines:
        if not line.problem:
            same_day[(line.currency, line.day)].append(line)
    for (code, _day), repeated in same_day.items():
        if len(repeated) == 1:
            continue
        if len({line.rate for line in repeated}) == 1:
            for line in repeated[1:]:
                line.same_as = repeated[0].row
            continue
        rows = ", ".join(str(line.row) for line in repeated)
        for line in repeated:
            line.problem = _(
                "%(code)s on this date is given more than once with different rates (rows %(rows)s)."
            ) % {
                "code": code,
                "rows": rows,
            }


def _mark_current(lines, existing):
    good = [line for line in lines if not line.problem and line.day]
    if not good:
        return
    saved = existing({line.currency for line in good}, min(ln.day for ln in good), max(ln.day for ln in good))
    for line in good:
        line.current = saved.get((line.currency, line.day))


def by_row(lines):
    """Lines grouped by the row they come from, in the file's order (for the preview)."""
    rows = defaultdict(list)
    for line in lines:
        rows[line.row].append(line)
    return list(rows.items())
