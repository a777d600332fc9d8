"""Which column holds which field, per source: guessed, remembered, overridden.

The mapping last used for the same source and kind comes first, then the guessed one for
columns it does not know, then ``--map`` overrides; the result is remembered for the next
file from that source. A column left unmapped is remembered (as "") only when that was a
choice: a field was proposed for it (guessed from its header, or the order number found in
its values) and the person importing took it away, or they had done so before. A column
nobody recognised is not remembered, so that a later release that knows its header, or the
order number search, can still find what it holds.
"""

import itertools

from django.utils.translation import gettext_noop

from patron.imports.headers import apply_overrides, guess_mapping, overrides_left_blank
from patron.imports.messages import said
from patron.imports.models import SourceMapping
from patron.imports.rejects import REJECT_COLUMNS
from patron.imports.summary import ImportRefused
from patron.imports.values import DateReader

DETECTION_ROWS = 1000
"""Rows read up front to tell a date column's order and calendar, and to find the order number."""


def data_columns(header):
    """The header without the ``row`` and ``reason`` columns a reject file adds at the end."""
    if len(header) > len(REJECT_COLUMNS) and header[-len(REJECT_COLUMNS) :] == REJECT_COLUMNS:
        return header[: -len(REJECT_COLUMNS)]
    return list(header)


def checked_source(source):
    """The source name, trimmed, or ImportRefused: ids and mappings are kept per source."""
    source = (source or "").strip()
    if not source or len(source) > 50:
        raise ImportRefused(
            said(gettext_noop("Name the source of the file (--source) in 1 to 50 characters."))
        )
    return source


def mapping_for(kind, source, columns, overrides=()):
    mapping = guess_mapping(kind, columns)
    remembered = SourceMapping.objects.filter(source=source, kind=kind).first()
    if remembered is not None:
        again = [f"{column}={field}" for column, field in remembered.mapping.items() if column in columns]
        mapping = apply_overrides(mapping, again, columns, kind=kind)
    return apply_overrides(mapping, list(overrides), columns, kind=kind)


def _remembered_blanks(kind, source, columns):
    remembered = SourceMapping.objects.filter(source=source, kind=kind).first()
    mapping = remembered.mapping if remembered is not None else {}
    return {column for column, field in mapping.items() if not field and column in columns}


def blank_columns(kind, source, columns, overrides=()):
    """The columns left unmapped on purpose: by this file's ``column=`` overrides, or before."""
    return overrides_left_blank(overrides, columns) | _remembered_blanks(kind, source, columns)


def remember(kind, source, columns, mapping, proposed=()):
    """Keep the mapping for the source's next file; ``proposed``: the columns a field was proposed
    for, of which those left unmapped are remembered as left so (see the module docstring)."""
    blank = (set(proposed) | _remembered_blanks(kind, source, columns)) - set(mapping)
    SourceMapping.objects.update_or_create(
        source=source,
        kind=kind,
        defaults={"mapping": {c: mapping.get(c, "") for c in columns if c in mapping or c in blank}},
    )


def sample_rows(table, count=DETECTION_ROWS):
    """The cells of the table's first ``count`` rows."""
    rows = table.rows()
    try:
        return [row.values for row in itertools.islice(rows, count)]
    finally:
        rows.close()


def column_of(mapping, field_name):
    return next((column for column, mapped in mapping.items() if mapped == field_name), None)


def date_reader_for(table, mapping, field_name, *, order=None, calendar=None, zone=None):
    """The file's DateReader, its order and calendar told from the first rows of ``field_name``'s
    column (just the given ones when no column is mapped to it). Raises AmbiguousDates."""
    column = column_of(mapping, field_name)
    if column is None:
        return DateReader(order=order, calendar=calendar, zone=zone)
    index = table.header.index(column)
    samples = [values[index] for values in sample_rows(table)]
    return DateReader.for_column(samples, order=order, calendar=calendar, zone=zone)
