"""Turn an uploaded sales-history file into a stream of rows.

This is the first layer of ``patron import customers|orders FILE``. It knows
nothing about customers or orders (and of Django only its translated messages): it only answers
"what is in this file, cell by cell?" for the messy exports we meet in
Thailand, Vietnam, Turkey and the Philippines -- point-of-sale systems, web
shops, marketplaces and hand-kept spreadsheets.

    with open_table(path) as table:
        print(table.format, table.encoding, table.delimiter, table.header)
        for row in table.rows():
            row.number, row.values, row.extra_cells, row.missing_cells

What it does:

* Recognises the format by content, never by file name: an XLSX file is a
  ZIP archive holding ``xl/workbook.xml``; anything else that decodes as text
  is read as CSV/TSV. PDFs, images, legacy ``.xls``, other archives and binary
  files are refused with :class:`FileRefused`, whose message can be shown to
  the person who uploaded the file as it is (see :mod:`patron.imports.formats`).
* Detects the text encoding (see :mod:`patron.imports.text_encodings`) and the
  delimiter (see :func:`detect_delimiter`); both can be overridden.
* Streams rows: a CSV is read line by line and an XLSX sheet through
  openpyxl's read-only mode, so memory stays flat for multi-gigabyte files.
  ``Table.rows()`` can be called again to start over.

Every row is a :class:`Row`: ``number`` is the line (CSV) or sheet row (XLSX)
where the record starts, 1-based, so the header is usually 1 -- this is the
number to quote in a reject report. ``values`` always has exactly
``len(table.header)`` strings, NFC-normalised but otherwise untouched (not
stripped: the value parsers decide what whitespace means). Blank rows are
skipped.

The limits of :mod:`patron.imports.limits` are kept here: a header with too many
columns, a column name too long or holding a control character refuses the file when
it is opened; an XLSX part past its size is refused as it is unpacked
(:mod:`patron.imports.xlsx_parts`). A cell too long or holding a control character only
flaws its row: the row comes with ``problem`` set, and the import rejects it
(:func:`set_aside_flawed`, :func:`reject_flawed`), wherever in the file it is.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import io
import os
import unicodedata
import weakref
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.utils.translation import gettext_noop

from patron.imports.formats import FileRefused, _check_is_xlsx, _refuse_known_binary
from patron.imports.limits import (
    MAX_COLUMNS,
    MAX_HEADER_LENGTH,
    MAX_LINE_LENGTH,
    CellProblem,
    cell_problem,
    control_character,
    number_text,
)
from patron.imports.messages import said
from patron.imports.rejects import is_reject_header, restored
from patron.imports.text_encodings import _checked_encoding, detect_encoding
from patron.imports.xlsx_parts import load_workbook

__all__ = ["FileRefused", "Row", "Table", "detect_delimiter", "detect_encoding", "open_table"]

SAMPLE_SIZE = 256 * 1024
"""Bytes read up front to recognise the format, the encoding and the delimiter."""

DELIMITERS = (",", ";", "\t", "|")
"""Candidate delimiters, in order of preference when two fit equally well."""

_SNIFF_RECORDS = 100


@dataclass(frozen=True, slots=True)
class Row:
    """One record of the table.

    ``number``: 1-based line (CSV) or sheet row (XLSX) where the record starts.
    ``values``: exactly one string per header column.
    ``extra_cells``: the record had non-blank cells beyond the last header
    column; they were dropped (trailing empty cells, as in ``a,b,,``, do not count).
    ``missing_cells``: the CSV record had fewer cells than the header; the
    missing ones are ``""``. Never set for XLSX, where a short row only means
    trailing empty cells.
    ``problem``: a cell no import may take (too long, a control character), which
    makes the whole row a reject; see :func:`set_aside_flawed`.
    """

    number: int
    values: list[str]
    extra_cells: bool = False
    missing_cells: bool = False
    problem: CellProblem | None = None


# --------------------------------------------------------------------------- public entry point


def open_table(
    path: str | os.PathLike[str],
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | int | None = None,
) -> Table:
    """Open ``path`` as a table, or raise :class:`FileRefused`.

    ``encoding`` and ``delimiter`` apply to CSV files and override detection;
    ``sheet`` (a sheet name, or a 0-based index) applies to XLSX files and
    defaults to the first worksheet. Options that do not apply are ignored.
    """
    path = Path(path)
    sample, complete = _read_sample(path)
    if not sample:
        raise FileRefused(said(gettext_noop("The file is empty.")))
    if sample.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        _check_is_xlsx(path)
        return XlsxTable(path, sheet=sheet)
    _refuse_known_binary(sample)
    if encoding is None:
        encoding = detect_encoding(sample, complete=complete)
    else:
        encoding = _checked_encoding(encoding, sample, complete=complete)
    if delimiter is None:
        delimiter = detect_delimiter(_decode_sample(sample, encoding, complete=complete), complete=complete)
    elif len(delimiter) != 1:
        message = gettext_noop("The delimiter must be a single character, not '%(value)s'.")
        raise FileRefused(said(message, value=delimiter))
    return CsvTable(path, encoding=encoding, delimiter=delimiter)


def _read_sample(path: Path) -> tuple[bytes, bool]:
    """First ``SAMPLE_SIZE`` bytes, and whether that is the whole file."""
    try:
        with path.open("rb") as file:
            sample = file.read(SAMPLE_SIZE)
            complete = file.read(1) == b""
    except FileNotFoundError:
        raise FileRefused(said(gettext_noop("There is no file at %(path)s."), path=str(path))) from None
    except IsADirectoryError:
        raise FileRefused(said(gettext_noop("%(path)s is a folder, not a file."), path=str(path))) from None
    except PermissionError:
        message = gettext_noop("The file %(path)s cannot be opened: permission denied.")
        raise FileRefused(said(message, path=str(path))) from None
    return sample, complete


# --------------------------------------------------------------------------- delimiter


def _decode_sample(sample: bytes, encoding: str, *, complete: bool) -> str:
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(sample, final=complete)
    if not complete:
        # The last line is probably cut short; it would skew the delimiter count.
        text = text[: max(text.rfind("\n"), 0)]
    return text


def detect_delimiter(text: str, *, complete: bool = True) -> str:
    """Return the delimiter among ``DELIMITERS`` that splits ``text`` most consistently.

    Each candidate is tried with the csv module, so delimiters inside quoted
    fields do not count. The winner gives the same number of columns (more
    than one) on the largest share of the first records; ties go to more
    columns, then to the order of ``DELIMITERS``. A file with one column gets ",".
    """
    best_key, best = None, ","
    for preference, candidate in enumerate(DELIMITERS):
        counts = _column_counts(text, candidate, drop_last=not complete)
        if not counts:
            continue
        by_frequency = Counter(counts).most_common()
        top = by_frequency[0][1]
        columns = max(count for count, times in by_frequency if times == top)
        if columns < 2:
            continue
        key = (top / len(counts), columns, -preference)
        if best_key is None or key > best_key:
            best_key, best = key, candidate
    return best


def _column_counts(text: str, delimiter: str, *, drop_last: bool) -> list[int]:
    counts = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    with contextlib.suppress(csv.Error):
        for record in reader:
            if not _is_blank(record):
                counts.append(len(record))
            if len(counts) > _SNIFF_RECORDS:
                break
    if drop_last and len(counts) > 1:
        counts.pop()
    return counts


# --------------------------------------------------------------------------- tables


def _is_blank(values: list[str] | tuple) -> bool:
    return all(value is None or not str(value).strip() for value in values)


def _nfc(text: str) -> str:
    """NFC-normalise; cp1258 decodes Vietnamese tones as combining marks ("ê" + U+0303 for "ễ")."""
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def _unique_header(names: list[str]) -> list[str]:
    """Strip names, drop trailing blanks, name blank columns "column N", number duplicates "Name (2)".

    Duplicates are found ignoring case, since later layers match column
    names ignoring case.
    """
    names = [name.replace("\ufeff", "").strip() for name in names]
    while names and not names[-1]:
        names.pop()
    seen: set[str] = set()
    result = []
    for index, name in enumerate(names, start=1):
        base = name or f"column {index}"
        unique, copy = base, 1
        while unique.casefold() in seen:
            copy += 1
            unique = f"{base} ({copy})"
        seen.add(unique.casefold())
        result.append(unique)
    return result


def _header(names: list[str], row: int) -> list[str]:
    """The header's column names (:func:`_unique_header`), or FileRefused past the limits.

    A reject file's header is restored as its rows are (:func:`patron.imports.rejects.restored_rows`).
    """
    if is_reject_header(names):
        names = [restored(name) for name in names]
    for number, name in enumerate(names, start=1):
        code = control_character(name)
        if code:
            message = gettext_noop(
                "The name of column %(column)d in the header (row %(row)d) holds the control "
                "character %(code)s; remove it and import the file again."
            )
            raise FileRefused(said(message, column=number, row=row, code=code))
    header = _unique_header(names)
    if len(header) > MAX_COLUMNS:
        message = gettext_noop("This file has %(count)s columns; Patron imports at most %(limit)s.")
        raise FileRefused(said(message, count=number_text(len(header)), limit=number_text(MAX_COLUMNS)))
    for number, name in enumerate(header, start=1):
        if len(name) > MAX_HEADER_LENGTH:
            message = gettext_noop(
                "The name of column %(column)d in the header (row %(row)d) is longer than "
                "%(limit)d characters; shorten it and import the file again."
            )
            raise FileRefused(said(message, column=number, row=row, limit=MAX_HEADER_LENGTH))
    return header


def _fit(number: int, values: list[str], header: list[str], *, short_is_missing: bool) -> Row:
    """Pad or cut ``values`` to the header's width, recording what was changed and any flawed cell."""
    width = len(header)
    length = len(values)
    missing = extra = False
    if length < width:
        values = values + [""] * (width - length)
        missing = short_is_missing
    elif length > width:
        extra = not _is_blank(values[width:])
        values = values[:width]
    problem = cell_problem(header, values)
    return Row(number, values, extra_cells=extra, missing_cells=missing, problem=problem)


def set_aside_flawed(batch: list[Row]) -> tuple[list[Row], list[Row]]:
    """(the rows of ``batch`` flawed by a cell no import may take, the others)."""
    if all(row.problem is None for row in batch):
        return [], batch
    return [row for row in batch if row.problem is not None], [row for row in batch if row.problem is None]


def reject_flawed(flawed: list[Row], rejects) -> None:
    """Count the ``flawed`` rows as read and write them to the reject file with their reasons."""
    for row in flawed:
        rejects.summary.read += 1
        rejects.add(row.number, row.values, row.problem.column, row.problem.reason)


class Table:
    """A readable table: ``format``, ``encoding``, ``delimiter``, ``header``, ``rows()``.

    ``header_row`` is the number of the row the header was read from (the
    first non-blank one). Use as a context manager, or call ``close()``.
    """

    format: str
    encoding: str | None = None
    delimiter: str | None = None
    header: list[str]
    header_row: int

    def __init__(self, path: Path):
        self.path = path
        self.closed = False
        self._iterators: weakref.WeakSet[Iterator[Row]] = weakref.WeakSet()

    def rows(self) -> Iterator[Row]:
        """Stream the records after the header, as :class:`Row`, starting over on every call."""
        if self.closed:
            raise ValueError("The table is closed.")
        iterator = self._rows()
        self._iterators.add(iterator)
        return iterator

    def _rows(self) -> Iterator[Row]:
        raise NotImplementedError

    def estimated_rows(self) -> int | None:
        """About how many rows follow the header (for progress bars), or None if unknown."""
        return None

    def close(self) -> None:
        for iterator in list(self._iterators):
            iterator.close()
        self.closed = True

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.path.name!r} {len(self.header)} columns>"


def _bounded_lines(text) -> Iterator[str]:
    """The lines of ``text``, refusing one longer than MAX_LINE_LENGTH before it is read whole.

    A file of one line of 200 MB would otherwise be held in memory several times over while
    the csv module splits it. The lines are counted as the csv module counts them.
    """
    readline = text.readline
    number = 0
    while line := readline(MAX_LINE_LENGTH + 2):
        number += 1
        if len(line) > MAX_LINE_LENGTH and len(line.rstrip("\r\n")) > MAX_LINE_LENGTH:
            message = gettext_noop(
                "Line %(line)d of this file is longer than %(limit)s characters; no export has such lines."
            )
            raise FileRefused(said(message, line=number, limit=number_text(MAX_LINE_LENGTH)))
        yield line


class CsvTable(Table):
    """A delimited text file, read line by line with the csv module."""

    format = "csv"

    def __init__(self, path: Path, *, encoding: str, delimiter: str):
        super().__init__(path)
        self.encoding = encoding
        self.delimiter = delimiter
        with contextlib.closing(self._records()) as records:
            first = next(records, None)
        if first is None:
            raise FileRefused(said(gettext_noop("The file is empty.")))
        self.header_row, names = first
        self.header = _header(names, self.header_row)

    def _records(self) -> Iterator[tuple[int, list[str]]]:
        """Non-blank records with the line they start on.

        ``newline=""`` lets the csv module see line breaks inside quoted
        fields and count physical lines (``\\r``, ``\\n`` or ``\\r\\n``) in
        ``line_num``; a record starts on the line after the previous one ended.
        Undecodable bytes past the sample become U+FFFD rather than stopping
        a long import halfway.
        """
        with self.path.open(encoding=self.encoding, errors="replace", newline="") as text:
            reader = csv.reader(_bounded_lines(text), delimiter=self.delimiter)
            ended = 0
            while True:
                try:
                    record = next(reader, None)
                except csv.Error as error:
                    message = gettext_noop(
                        "Line %(line)d cannot be read (%(error)s); "
                        'a quoted field may be missing its closing quote (").'
                    )
                    raise FileRefused(said(message, line=ended + 1, error=str(error))) from None
                if record is None:
                    return
                start, ended = ended + 1, reader.line_num
                joined = "".join(record)  # one look at the whole record, at C speed
                if not joined.strip():
                    continue
                yield start, record if joined.isascii() else [_nfc(value) for value in record]

    def _rows(self) -> Iterator[Row]:
        header = self.header
        with contextlib.closing(self._records()) as records:
            next(records, None)  # the header
            for number, values in records:
                yield _fit(number, values, header, short_is_missing=True)

    def estimated_rows(self) -> int | None:
        """Line breaks in the first bytes, scaled to the file's size."""
        size = self.path.stat().st_size
        with self.path.open("rb") as file:
            sample = file.read(SAMPLE_SIZE)
        lines = sample.count(b"\n") + (not sample.endswith(b"\n"))
        return max(0, round(lines * size / len(sample)) - self.header_row) if sample else None


class XlsxTable(Table):
    """A worksheet of an XLSX workbook, streamed with openpyxl's read-only mode."""

    format = "xlsx"

    def __init__(self, path: Path, *, sheet: str | int | None = None):
        super().__init__(path)
        # openpyxl refuses file names without an Excel extension; a file object has none to check.
        self._file = path.open("rb")
        try:
            self._workbook = load_workbook(self._file)
        except BaseException:
            self._file.close()
            raise
        try:
            self._sheet = _pick_sheet(self._workbook, sheet)
            self._recorded_rows = self._sheet.max_row or 0
            # Read-only mode trusts the size the writing program recorded, and
            # some exporters record "A1:A1"; forget it and read every cell.
            self._sheet.reset_dimensions()
            with contextlib.closing(self._records()) as records:
                first = next(records, None)
        except BaseException:
            self._close_workbook()
            raise
        if first is None:
            self._close_workbook()
            raise FileRefused(said(gettext_noop('The sheet "%(sheet)s" is empty.'), sheet=self._sheet.title))
        self.header_row, names = first
        self.header = _header(names, self.header_row)

    def estimated_rows(self) -> int | None:
        """The size the writing program recorded, when it recorded one."""
        return max(0, self._recorded_rows - self.header_row) if self._recorded_rows > 1 else None

    @property
    def sheet_name(self) -> str:
        return self._sheet.title

    def _records(self) -> Iterator[tuple[int, list[str]]]:
        # min_row=1 makes openpyxl yield missing rows as empty ones, so the count is the sheet row.
        rows = self._sheet.iter_rows(min_row=1, values_only=True)
        for number, cells in enumerate(rows, start=1):
            if not _is_blank(cells):
                yield number, [cell_text(cell) for cell in cells]

    def _rows(self) -> Iterator[Row]:
        header = self.header
        with contextlib.closing(self._records()) as records:
            next(records, None)  # the header
            for number, values in records:
                yield _fit(number, values, header, short_is_missing=False)

    def close(self) -> None:
        super().close()
        self._close_workbook()

    def _close_workbook(self) -> None:
        self._workbook.close()
        self._file.close()


def _pick_sheet(workbook, sheet: str | int | None):
    sheets = workbook.worksheets
    names = ", ".join(f'"{ws.title}"' for ws in sheets)
    if not sheets:
        raise FileRefused(said(gettext_noop("This XLSX file has no worksheets.")))
    if sheet is None:
        return sheets[0]
    if isinstance(sheet, int):
        if 0 <= sheet < len(sheets):
            return sheets[sheet]
        message = gettext_noop("There is no sheet number %(sheet)s; the sheets are %(names)s.")
        raise FileRefused(said(message, sheet=sheet, names=names))
    for ws in sheets:
        if ws.title == sheet or ws.title.casefold() == sheet.strip().casefold():
            return ws
    message = gettext_noop('There is no sheet named "%(sheet)s"; the sheets are %(names)s.')
    raise FileRefused(said(message, sheet=sheet, names=names))


# --------------------------------------------------------------------------- XLSX cells


def cell_text(value: object) -> str:
    """Render an XLSX cell value as the text a CSV export would hold.

    Dates and datetimes become ISO 8601 ("2024-03-01", "2024-03-01T14:30:00";
    a datetime at exactly midnight is taken to be a date, since Excel stores
    both as a number and openpyxl returns a datetime either way). Numbers
    become plain decimals without exponent or float noise (see
    :func:`_number_text`). Booleans become "TRUE"/"FALSE", empty cells "".
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return _nfc(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return _number_text(value)
    return str(value)


def _number_text(value: int | float | Decimal) -> str:
    """Plain decimal text: 10 -> "10", 1234.5 -> "1234.5", 0.1 + 0.2 -> "0.3", 1e-7 -> "0.0000001".

    Floats are rounded to 15 significant digits, the precision Excel keeps
    and shows; digits beyond that are binary floating-point noise, not data.
    """
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        value = Decimal(format(value, ".15g"))
    if not value.is_finite():
        return str(value)
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text
