"""The preview of an uploaded file: read once, within bounds, by a job, and kept on its run.

However long or wide the file, the preview reads at most ``DETECTION_CELLS`` cells of its first
rows (``DETECTION_ROWS`` rows, fewer in a wide file), and stops reading rows once they hold
``DETECTION_CHARACTERS`` characters or after ``PREVIEW_SECONDS``; the date order and the order
number are told from those rows. What it keeps for the page is small: the first
``SHOWN_COLUMNS`` columns of the first ``SHOWN_ROWS`` rows, each cell cut to
``SHOWN_CHARACTERS`` characters, and the columns that get a field chooser ("choices"): every
shown column, and beyond them the columns that have or could take a field (mapped, proposed as
the order number, or ambiguous), at most ``MORE_CHOICES``. Any other column of a wide file is
mapped by its name (see ``runs.run_choose``), so the page's form stays far below Django's limit
on the number of fields.
"""

import contextlib
import time

from patron.imports.headers import FIELDS, ambiguous_columns
from patron.imports.mapping import DETECTION_ROWS, blank_columns, data_columns, date_reader_for, mapping_for
from patron.imports.messages import as_json
from patron.imports.orders import LINE_FIELDS, order_number_search, reading_mapping
from patron.imports.reading import open_table
from patron.imports.values import AmbiguousDates, DateReader

SHOWN_ROWS = 10
SHOWN_COLUMNS = 50
SHOWN_CHARACTERS = 100
MORE_CHOICES = 50
"""Field choosers for columns beyond the shown ones; each field takes one column, so the mapped
ones always fit, and the ambiguous ones and order-number candidates fill the rest."""
LISTED = 50
"""Names listed of the columns not imported, and of other order-number candidates."""
DETECTION_CELLS = 500_000
DETECTION_CHARACTERS = 10_000_000
SEARCHED_COLUMNS = 1_000
"""The first columns searched for an order number under an unknown header."""
PREVIEW_SECONDS = 10
DATE_FIELDS = {"customers": "birthday", "orders": "placed_at"}


class FirstRows:
    """A table's header and first rows, read once: what the preview's detection reads.

    Reading stops at ``count`` rows, at DETECTION_CHARACTERS characters, or at ``deadline``
    (time.monotonic()), whichever comes first.
    """

    def __init__(self, table, count, deadline):
        self.header = table.header
        self.read = []
        characters = 0
        with contextlib.closing(table.rows()) as rows:
            for row in rows:
                self.read.append(row)
                characters += sum(map(len, row.values))
                if (
                    len(self.read) >= count
                    or characters >= DETECTION_CHARACTERS
                    or time.monotonic() > deadline
                ):
                    break

    def rows(self):
        yield from self.read


def read_preview(run):
    """What ``run``'s file holds and how it will be read, as a dict for its page.

    Keys: format, encoding, delimiter, estimated_rows; column_count and the shown ``columns``;
    ``rows`` (shown cells); ``mapping`` {column: field}; ``choices`` [[index in the file, column]];
    ``row_numbers`` (their rows in the file); ``fields`` of the kind; ``date_formats`` {column:
    {order, calendar}} told from each shown column's first rows (for the readings, see
    :mod:`patron.imports.readings`); ``dates``, a message when the date column needs its order
    told, with ``dates_said`` (its id and parameters, to word it for each reader). For
    orders also: ``order_number`` ({column, orders, rows}: the column proposed as the order number
    when no header names it, or None) with ``other_numbers``; ``no_order_number``; ``ignored``
    (the first columns not imported) with ``ignored_count``; ``ambiguous`` {column: fields}.
    Raises the refusals of the reading layers (FileRefused, AmbiguousDates...).
    """
    deadline = time.monotonic() + PREVIEW_SECONDS
    with open_table(run.stored_path, encoding=run.options.get("encoding") or None) as table:
        columns = data_columns(table.header)
        count = max(SHOWN_ROWS, min(DETECTION_ROWS, DETECTION_CELLS // max(1, len(table.header))))
        sample = FirstRows(table, count, deadline)
        mapping = mapping_for(run.kind, run.source, columns)
        shown = columns[:SHOWN_COLUMNS]
        preview = {
            "format": table.format,
            "encoding": table.encoding,
            "delimiter": table.delimiter,
            "estimated_rows": table.estimated_rows(),
            "column_count": len(columns),
            "columns": shown,
            "rows": [[_cut(value) for value in row.values[: len(shown)]] for row in sample.read[:SHOWN_ROWS]],
            "row_numbers": [row.number for row in sample.read[:SHOWN_ROWS]],
            "fields": list(FIELDS[run.kind]),
            "date_formats": _date_formats(sample, shown),
        }
        problem = _date_problem(sample, run, mapping)
        preview |= {"dates": str(problem), "dates_said": as_json(problem)}
        candidates = []
        if run.kind == "orders":
            notes = _order_columns(sample, run, columns, mapping)
            candidates = [notes["order_number"]["column"]] if notes["order_number"] else []
            candidates += notes["other_numbers"] + list(notes["ambiguous"])
            preview |= notes
        preview["mapping"] = mapping
        preview["choices"] = choices(columns, [*mapping, *candidates])
    return preview


def choices(columns, wanted):
    """[[index, column]]: the first SHOWN_COLUMNS columns, then the first MORE_CHOICES of
    ``wanted`` (mapped columns first) beyond them, in the file's order."""
    shown = [[index, column] for index, column in enumerate(columns[:SHOWN_COLUMNS])]
    beyond = {column: index for index, column in enumerate(columns) if index >= SHOWN_COLUMNS}
    more = [column for column in dict.fromkeys(wanted) if column in beyond][:MORE_CHOICES]
    return shown + sorted([beyond[column], column] for column in more)


def _cut(value):
    return value if len(value) <= SHOWN_CHARACTERS else value[: SHOWN_CHARACTERS - 1] + "…"


def _order_columns(sample, run, columns, mapping):
    """What the preview of an orders file says about its order number and unused columns.

    With no column mapped to the order number, the column that looks most like it is proposed
    (in ``mapping``, so that the page offers it), with the evidence, for the user to confirm.
    """
    found = []
    if "order_id" not in mapping.values():
        blank = blank_columns(run.kind, run.source, columns)
        searched = columns[:SEARCHED_COLUMNS]
        found = [c for c in order_number_search(sample, searched, mapping) if c.column not in blank]
        if found:
            mapping[found[0].column] = "order_id"
    reading = reading_mapping(mapping, lines=bool(set(mapping.values()) & LINE_FIELDS))
    ignored = [column for column in columns if column not in reading]
    ambiguous = ambiguous_columns(run.kind, columns, mapping)
    first = found[0] if found else None
    proposed = {"column": first.column, "orders": first.orders, "rows": first.rows} if first else None
    return {
        "order_number": proposed,
        "other_numbers": [candidate.column for candidate in found[1 : LISTED + 1]],
        "no_order_number": "order_id" not in mapping.values(),
        "ignored": ignored[:LISTED],
        "ignored_count": len(ignored),
        "ambiguous": dict(list(ambiguous.items())[:LISTED]),
    }


def _date_formats(sample, shown):
    """{column: {"order", "calendar"}}: the date order and calendar told from the first rows of
    each shown column, as the import tells them ("" when it cannot tell), for the readings."""
    formats = {}
    for index, column in enumerate(shown):
        values = [row.values[index] for row in sample.read if index < len(row.values)]
        try:
            order = DateReader.detect_order(values) or ""
        except AmbiguousDates:
            order = ""
        formats[column] = {"order": order, "calendar": DateReader.detect_calendar(values)}
    return formats


def _date_problem(sample, run, mapping):
    """The message of a date column that needs its order told, or ""."""
    options = run.options
    try:
        date_reader_for(
            sample,
            mapping,
            DATE_FIELDS[run.kind],
            order=options.get("date_order") or None,
            calendar=options.get("calendar") or None,
        )
    except AmbiguousDates as problem:
        return problem.message
    return ""
