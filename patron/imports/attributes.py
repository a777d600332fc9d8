"""Columns that map to no field are kept as custom attributes, typed.

Whole numbers (without a leading zero, so codes such as "0812345678" stay text) become JSON
integers; decimals become JSON numbers only when a float gives back exactly the written value
(otherwise the text is kept, so no amount is silently rounded); date-shaped values the file's
date reader can read become ISO dates ("2024-03-25"); anything else is kept as text.
"""

import re
from decimal import Decimal, InvalidOperation

from patron.imports.values import ValueProblem

_INTEGER = re.compile(r"^-?(?:0|[1-9]\d{0,14})$")
_DECIMAL = re.compile(r"^-?(?:0|[1-9]\d*)\.\d+$")


def text(value):
    """A cell with its runs of white space made one space, and trimmed."""
    return " ".join((value or "").split())


def typed_attribute(value, dates):
    """A custom attribute's JSON value: int, exact float, ISO date or the text."""
    value = text(value)
    try:
        return dates.parse_date(value).isoformat()
    except ValueProblem:
        pass
    if _INTEGER.match(value):
        return int(value)
    if _DECIMAL.match(value):
        try:
            exact = Decimal(value)
        except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
            return value
        number = float(exact)
        if Decimal(repr(number)) == exact:
            return number
    return value


def attributes_of(cells, columns, dates):
    """{column: typed value} for the non-empty cells of ``columns``."""
    return {column: typed_attribute(cells[column], dates) for column in columns if text(cells[column])}
