"""Finding the order number in a file whose header does not name it.

An export whose order-number column has a header Patron does not know would otherwise be
read as orders without numbers, and a number repeated in the file, or the same bills exported
again after an edit, stored twice. So when no column is mapped to ``order_id``, the unmapped
columns are looked at for one that holds document numbers, from the first rows of the file:

- filled on (nearly) every row;
- written like a document number: letters and digits, or a long run of digits, with no spaces
  ("R2567-0001", "HD000123", "2403058XYZAB12", "700123456789"), and not a date, an amount (with
  decimals or thousands separators, or round like most prices), a phone number, an e-mail or a
  row counter (1, 2, 3...);
- mostly of one shape (letters or not, the same separators, about the same length), as one
  system numbers its documents;
- one per order: a value is on one row only, or on consecutive rows that agree on the order's
  date and customer (the lines of one order), never scattered over the file.

A column whose header says it is another document's number (a tracking number, a tax id; see
``headers.OTHER_NUMBERS``) is never proposed. The evidence is *certain* when every sampled value
passes, each value is one order (a value seen again has the same row each time), and there are
at least ``CERTAIN_ORDERS`` orders; the command line then imports the column as the order
number and says so, and otherwise refuses and names the column (see ``orders.import_orders``).
"""

import re
from dataclasses import dataclass

from patron.imports.headers import names_another_number

CANDIDATE_SHARE = 0.9
"""Share of the sampled values that must be filled and look like document numbers, and of the
orders they make that must be one order each (one clash in a small file is allowed: it is
rejected as a bad row once the column is the order number)."""
SHAPE_SHARE = 0.8
"""Share of the values that must have the column's most common shape."""
CERTAIN_ORDERS = 5
"""Fewest distinct values for the evidence to be certain."""

_TOKEN = re.compile(r"^#?[0-9A-Za-z]+(?:[-/_.:#][0-9A-Za-z]+)*$")
_DATE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}$")
_AMOUNT = re.compile(r"^\d{1,3}(?:[.,]\d{3})+(?:[.,]\d{1,4})?$|^\d+[.,]\d{1,4}$")
_PHONE = re.compile(r"^0[1-9]\d{7,9}$|^(?:63|66|84|90)\d{8,10}$")
_DIGITS = re.compile(r"^\d+$")
_SEPARATORS = re.compile(r"[^0-9A-Za-z]")


@dataclass(frozen=True)
class Candidate:
    """A column that looks like the order number, and how strongly."""

    column: str
    orders: int  # distinct values among the sampled rows
    rows: int  # sampled rows
    certain: bool


def _looks_like_a_number(value):
    if not 3 <= len(value) <= 40 or not _TOKEN.match(value) or not any(ch.isdigit() for ch in value):
        return False
    if _DATE.match(value) or _AMOUNT.match(value) or _PHONE.match(value):
        return False
    # A short run of digits is a count, an amount or a row number, unless written zero-padded.
    return not (_DIGITS.match(value) and len(value) < 5 and not value.startswith("0"))


def _shape(value):
    """How a value is written: whether it has letters, and its separators."""
    return any(ch.isalpha() for ch in value), "".join(_SEPARATORS.findall(value))


def _length_share(values):
    """The share of the values within a character of the middle length (1-999 and 1-1000 agree)."""
    lengths = sorted(map(len, values))
    middle = lengths[len(lengths) // 2]
    return sum(abs(length - middle) <= 1 for length in lengths) / len(lengths)


def _is_a_date_column(values):
    """Eight digits that are all calendar dates (20240305, or 25670305 in the Buddhist era)."""
    return all(
        len(v) == 8 and v.isdigit() and 1 <= int(v[4:6]) <= 12 and 1 <= int(v[6:]) <= 31 for v in values
    )


def _is_a_counter(values):
    return values[0] in ("0", "1") and all(
        v.isdigit() and int(v) == int(values[0]) + i for i, v in enumerate(values)
    )


def _is_round(values):
    """Mostly round numbers (12500, 29000): prices and totals, not document numbers."""
    digits = [v for v in values if v.isdigit()]
    return len(digits) > len(values) / 2 and sum(v.endswith("00") for v in digits) > len(digits) / 2


def _one_per_order(values, rows, order_cells):
    """(distinct values, orders they make, how many of those are not one order each).

    Consecutive rows with one value are one order when they agree on ``order_cells`` (the
    order's date and customer). A value met again further on is the same order only when its
    row is the very same row again (an export that repeats a bill); otherwise it is two orders
    under one number, which an order number cannot be.
    """
    runs = []  # [value, its first row, whether its rows agree]
    for value, row in zip(values, rows, strict=True):
        if runs and runs[-1][0] == value:
            runs[-1][2] = runs[-1][2] and all(row[i] == runs[-1][1][i] for i in order_cells)
        else:
            runs.append([value, row, True])
    first = {}
    bad = 0
    for value, row, agree in runs:
        earlier = first.setdefault(value, row)
        bad += not (agree and (earlier is row or earlier == row))
    return len(first), len(runs), bad


def order_number_candidates(header, rows, columns, order_cells):
    """The columns among ``columns`` that look like the order number, best first.

    ``rows`` are the first rows of the file (lists of cells in ``header`` order) and
    ``order_cells`` the indexes of the columns naming the order's date and customer.
    """
    found = []
    position = {column: index for index, column in enumerate(header)}
    for column in columns:
        if names_another_number(column):
            continue
        index = position[column]
        values = [(row[index] if index < len(row) else "").strip() for row in rows]
        filled = [value for value in values if value]
        if len(filled) < max(3, CANDIDATE_SHARE * len(values)):
            continue
        if sum(map(_looks_like_a_number, filled)) < CANDIDATE_SHARE * len(filled):
            continue
        if _is_a_date_column(filled) or _is_a_counter(filled) or _is_round(filled):
            continue
        shapes = [_shape(value) for value in filled]
        common = max(set(shapes), key=shapes.count)
        share = min(shapes.count(common) / len(shapes), _length_share(filled))
        if share < SHAPE_SHARE:
            continue
        kept = [row for row, value in zip(rows, values, strict=True) if value]
        distinct, orders, clashes = _one_per_order(filled, kept, order_cells)
        if clashes > max(1, (1 - CANDIDATE_SHARE) * orders):
            continue
        certain = (
            not clashes
            and share >= CANDIDATE_SHARE
            and len(filled) == len(values)
            and all(map(_looks_like_a_number, filled))
            and distinct >= CERTAIN_ORDERS
        )
        found.append(
            (not certain, clashes / orders, len(found), Candidate(column, distinct, len(values), certain))
        )
    return [candidate for *_order, candidate in sorted(found)]
