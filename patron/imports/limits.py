"""The limits on what an import file may hold, in one place, and the checks of its cells.

Every limit is far above what a shop export holds, so only hostile or broken files meet
them; each is stated in the README with what happens past it. Past a limit of the whole
file (the header, the number of columns, the size of an XLSX part) the file is refused
before anything is written. Past a limit of one cell (its length, a control character) only
that row is rejected, with its reason in the reject file: an import commits in batches, so a
flaw found late in a large file cannot undo the batches before it, and refusing the file at
row 900,000 would leave it half-written; rejecting the row keeps the rule that every row is
either written or rejected.
"""

import json
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from patron.control_characters import CONTROL, control_character
from patron.imports.messages import said

MAX_CELL_LENGTH = 32_767
"""Characters in one cell: Excel's own limit, so no spreadsheet export goes past it."""

MAX_HEADER_LENGTH = 255
"""Characters in one column name (an unmapped column's name becomes an attribute's key)."""

MAX_COLUMNS = 1_000
"""Columns in a file. Shop, marketplace and point-of-sale exports have tens."""

MAX_LINE_LENGTH = 1024 * 1024
"""Characters in one line of a CSV file, read before it is split into cells (a cell may span lines)."""

MAX_ATTRIBUTE_KEY_LENGTH = MAX_HEADER_LENGTH
"""Characters in a custom attribute's name, from a file, a form or the API."""

MAX_ATTRIBUTE_VALUE_LENGTH = MAX_CELL_LENGTH
"""Characters in a custom attribute's text value."""

MAX_ATTRIBUTES_SIZE = 256 * 1024
"""Characters in all of one customer's custom attributes, written as JSON."""

# XLSX: an XLSX file is a ZIP archive of XML parts; these bound what unpacking them may cost.
# Real workbooks were measured: sheets compress 8 to 21 times (row and cell references keep
# them from doing better), shared strings of one value repeated by a writer that does not
# share them about 410 times; deflate cannot do better than about 1,030 times.

XLSX_MAX_RATIO = 500
"""How many times larger a part may be unpacked than packed (checked on parts over XLSX_RATIO_FROM)."""

XLSX_RATIO_FROM = 1024 * 1024
"""Parts smaller than this unpacked are not held to the ratio: they cost nothing to read."""

XLSX_MAX_SHEET_BYTES = 2 * 1024**3
"""A worksheet unpacked; read row by row. Excel's largest sheet of 20 columns is about 900 MB."""

XLSX_MAX_SHARED_STRINGS_BYTES = 512 * 1024**2
"""The shared strings unpacked; openpyxl holds them all in memory. A million customers: about 250 MB."""

XLSX_MAX_OTHER_PART_BYTES = 32 * 1024**2
"""Any other part openpyxl reads whole (styles, workbook, relations). 64,000 styles: about 7 MB."""

XLSX_MAX_TEXT_BYTES = 1024**2
"""Bytes of a part without a "<": one text or tag this long is more than any cell holds."""

XLSX_MAX_ROW_BYTES = 8 * 1024**2
"""Bytes of one sheet row (openpyxl builds each row's XML tree in memory before reading it)."""


@dataclass(frozen=True, slots=True)
class CellProblem:
    """Why a row cannot be imported as read: ``column`` names the cell, ``reason`` says why."""

    column: str
    reason: str


def cell_problem(header, values):
    """The first cell of a row that no import may take (too long, a control character), or None.

    One look at the whole row (joined, at C speed) clears the usual row; only a row that fails
    it is looked at cell by cell. Text without tabs, line breaks or unusual spaces is printable,
    which str says faster than the pattern does.
    """
    joined = "".join(values)
    if len(joined) <= MAX_CELL_LENGTH and (joined.isprintable() or CONTROL.search(joined) is None):
        return None
    for column, value in zip(header, values, strict=False):
        if len(value) > MAX_CELL_LENGTH:
            reason = gettext_noop(
                "the cell is longer than %(limit)s characters, more than a spreadsheet cell holds"
            )
            return CellProblem(column, said(reason, limit=number_text(MAX_CELL_LENGTH)))
        code = control_character(value)
        if code:
            reason = gettext_noop("the cell holds the control character %(code)s, which text may not hold")
            return CellProblem(column, said(reason, code=code))
    return None


def number_text(value):
    """A count as the reader's language writes it: 32,767 in English, 32.767 in Vietnamese."""
    return number_format(value, force_grouping=True)


def attributes_problem(attributes):
    """Why a customer's custom attributes (a JSON object) cannot be kept, or None.

    The customer service asks this for every write, from a file, a form or the API alike, so
    they agree: names of at most MAX_ATTRIBUTE_KEY_LENGTH characters, texts of at most
    MAX_ATTRIBUTE_VALUE_LENGTH, no control characters in either (tab and line breaks are text),
    and all of them at most MAX_ATTRIBUTES_SIZE characters as JSON. An import names its
    columns and reads its cells within the same limits, so a row of a file that passed them
    never fails here.
    """
    for key, value in _items(attributes):
        shown = key if len(key) <= 40 else key[:40] + "…"
        if len(key) > MAX_ATTRIBUTE_KEY_LENGTH:
            message = _("The attribute name “%(name)s” is longer than %(limit)s characters.")
            return message % {"name": shown, "limit": number_text(MAX_ATTRIBUTE_KEY_LENGTH)}
        code = control_character(key)
        if code:
            message = _("The attribute name “%(name)s” holds the control character %(code)s.")
            return message % {"name": shown.encode("unicode_escape").decode(), "code": code}
        if not isinstance(value, str):
            continue
        if len(value) > MAX_ATTRIBUTE_VALUE_LENGTH:
            message = _("The attribute “%(name)s” holds a text longer than %(limit)s characters.")
            return message % {"name": shown, "limit": number_text(MAX_ATTRIBUTE_VALUE_LENGTH)}
        code = control_character(value)
        if code:
            message = _("The attribute “%(name)s” holds the control character %(code)s.")
            return message % {"name": shown, "code": code}
    size = len(json.dumps(attributes, ensure_ascii=False))
    if size > MAX_ATTRIBUTES_SIZE:
        message = _("The attributes take %(size)s characters; a customer holds at most %(limit)s.")
        return message % {"size": number_text(size), "limit": number_text(MAX_ATTRIBUTES_SIZE)}
    return None


def _items(value, name=""):
    """(name, value) of every member of a JSON value, nested ones too; a list's items take its name."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key), item
            yield from _items(item, str(key))
    elif isinstance(value, list | tuple):
        for item in value:
            yield name, item
            yield from _items(item, name)
