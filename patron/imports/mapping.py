"""Which column holds which field, per source: guessed, remembered, overridden.

The mapping last used for the same source and kind comes first, then the guessed one for
columns it does not know, then ``--map`` overrides; the result is remembered for the next
file from that source, unmapped columns included (as "", kept as custom attributes).
"""

import itertools

from django.utils.translation import gettext as _

from patron.imports.headers import apply_overrides, guess_mapping
from patron.imports.models import SourceMapping
from patron.imports.rejects import REJECT_COLUMNS
from patron.imports.summary import ImportRefused
from patron.imports.values import DateReader

DETECTION_ROWS = 1000
"""Rows read up front to tell a date column's order and calendar."""


def data_columns(header):
    """The header without the ``row`` and ``reason`` columns a reject file adds at the end."""
    if len(header) > len(REJECT_COLUMNS) and header[-len(REJECT_COLUMNS) :] == REJECT_COLUMNS:
        return header[: -len(REJECT_COLUMNS)]
    return list(header)


def checked_source(source):
    """The source name, trimmed, or ImportRefused: ids and mappings are kept per source."""
    source = (source or "").strip()
    if not source or len(source) > 50:
        raise ImportRefused(_("Name the source of the file (--source) in 1 to 50 characters."))
    return source


def mapping_for(kind, source, columns, overrides=()):
    mapping = guess_mapping(kind, columns)
    remembered = SourceMapping.objects.filter(source=source, kind=kind).first()
    if remembered is not None:
        again = [f"{column}={field}" for column, field in remembered.mapping.items() if column in columns]
        mapping = apply_overrides(mapping, again, columns, kind=kind)
    return apply_overrides(mapping, list(overrides), columns, kind=kind)


def remember(kind, source, columns, mapping):
    SourceMapping.objects.update_or_create(
        source=source, kind=kind, defaults={"mapping": {c: mapping.get(c, "") for c in columns}}
    )


def column_of(mapping, field_name):
    return next((column for column, mapped in mapping.items() if mapped == field_name), None)


def date_reader_for(table, mapping, field_name, *, order=None, calendar=None, zone=None):
    """The file's DateReader, its order and calendar told from the first rows of ``field_name``'s
    column (just the given ones when no column is mapped to it). Raises AmbiguousDates."""
    column = column_of(mapping, field_name)
    if column is None:
        return DateReader(order=order, calendar=calendar, zone=zone)
    index = table.header.index(column)
    rows = table.rows()
    try:
        samples = [row.values[index] for row in itertools.islice(rows, DETECTION_ROWS)]
    finally:
        rows.close()
    return DateReader.for_column(samples, order=order, calendar=calendar, zone=zone)
