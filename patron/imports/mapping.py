"""Which column holds which field, per source: guessed, remembered, overridden.

The mapping last used for the same source and kind comes first, then the guessed one for
columns it does not know, then ``--map`` overrides; the result is remembered for the next
file from that source, unmapped columns included (as "", kept as custom attributes).
"""

from patron.imports.headers import apply_overrides, guess_mapping
from patron.imports.models import SourceMapping
from patron.imports.rejects import REJECT_COLUMNS


def data_columns(header):
    """The header without the ``row`` and ``reason`` columns a reject file adds at the end."""
    if len(header) > len(REJECT_COLUMNS) and header[-len(REJECT_COLUMNS) :] == REJECT_COLUMNS:
        return header[: -len(REJECT_COLUMNS)]
    return list(header)


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
