"""How the import will read each cell of the preview's rows: the value it will record, shown as
the reader writes it (a date in their calendar and time zone, an amount with its currency, a
phone number in E.164), or why it cannot be read.

The cells are read by the import's own code, with the mapping, date order and calendar chosen on
the page: orders by :meth:`OrderRowReader.read_fields` (what ``OrderRowReader.read`` makes of a
row), customers by :func:`patron.imports.customers.read_field` and
:func:`~patron.imports.customers.identity_problems`. So the preview never says a cell will be
read in a way the import will not read it. Worked out when the page is shown, in the reader's
language, from the cells the preview keeps (a cell cut for the page is not read).
"""

from dataclasses import dataclass, field

from babel import Locale
from babel.numbers import format_decimal
from django.core.exceptions import ValidationError
from django.utils.translation import get_language

from patron.customers.contact_kinds import contact_point
from patron.customers.models import Gender
from patron.customers.phones import normalise_phone
from patron.imports.customers import CHAT_FIELDS, identity_problems, read_field
from patron.imports.mapping import column_of
from patron.imports.messages import on_the_web
from patron.imports.orders import LINE_FIELDS, reading_mapping, row_reader
from patron.imports.previews import SHOWN_CHARACTERS
from patron.imports.values import DateReader, ValueProblem
from patron.sales.models import OrderStatus, SalesChannel
from patron.web.dates import format_day, format_moment
from patron.workspace.clock import business_zone
from patron.workspace.money import babel_locale, format_money
from patron.workspace.regions import validate_country
from patron.workspace.services import get_workspace

# The OrderRow value each field of an orders file is read into.
ORDER_VALUES = {
    "placed_at": "placed_at",
    "total": "amount",
    "order_total": "order_total",
    "unit_price": "unit_price",
    "quantity": "quantity",
    "currency": "currency",
    "status": "status",
    "channel": "channel",
    "is_return": "status",
}


@dataclass
class Reading:
    """One cell: ``text`` (how it will be read) or ``problem`` (why it cannot be); both empty
    for a cell that is imported as it is written, or not imported."""

    text: str = ""
    problem: str = ""


@dataclass
class RowReadings:
    number: int
    cells: list[Reading]
    notes: list[str] = field(default_factory=list)  # problems of fields in no shown column


def readings(run, *, date_order="", calendar=""):
    """[RowReadings] of the preview's shown rows, read as ``run`` would read them now; dates are
    shown in the active language, time zone and calendar (the reader's, in a request: see
    :mod:`patron.web.dates`)."""
    preview = run.preview
    date_order = date_order or run.options.get("date_order", "")
    calendar = calendar or run.options.get("calendar", "")
    with on_the_web():
        if run.kind == "orders":
            return _order_readings(run, preview, date_order, calendar)
        return _customer_readings(run, preview, date_order, calendar)


def _dates(preview, column, order, calendar, zone=None):
    """The DateReader the import would use for ``column``: the order and calendar chosen, else
    those told from the column's first rows."""
    told = preview.get("date_formats", {}).get(column or "", {})
    return DateReader(
        order=order or told.get("order") or None, calendar=calendar or told.get("calendar") or None, zone=zone
    )


def _cells(preview, row):
    """{column: cell} of a shown row, without the cells cut for the page."""
    cut = SHOWN_CHARACTERS
    return {
        column: value
        for column, value in zip(preview["columns"], row, strict=False)
        if not (len(value) == cut and value.endswith("…"))
    }


def _numbers(preview):
    """The file's row numbers of the shown rows (their line, or sheet row)."""
    return preview.get("row_numbers") or range(2, 2 + len(preview["rows"]))


def _order_readings(run, preview, date_order, calendar):
    workspace = get_workspace()
    mapping = preview["mapping"]
    reading = reading_mapping(mapping, lines=bool(set(mapping.values()) & LINE_FIELDS))
    shown = set(preview["columns"])
    dates = _dates(preview, column_of(reading, "placed_at"), date_order, calendar, business_zone(workspace))
    reader = row_reader(dates, run.options.get("country") or "", workspace)
    region = run.options.get("country") or workspace.country
    result = []
    for number, row in zip(_numbers(preview), preview["rows"], strict=False):
        cells = _cells(preview, row)
        values, problems = reader.read_fields({f: cells.get(c, "") for c, f in reading.items()})
        told = {}
        for field_name, reason in problems:
            told.setdefault(field_name, []).append(reason)
        readings_of_row, notes = [], []
        for column in preview["columns"]:
            field_name = reading.get(column)
            if column not in cells or not field_name or not cells[column].strip():
                readings_of_row.append(Reading())
            elif field_name in told:
                readings_of_row.append(Reading(problem="; ".join(told.pop(field_name))))
            else:
                readings_of_row.append(_order_value(field_name, values, cells[column], region))
        for field_name, reasons in told.items():
            column = column_of(reading, field_name)
            if column is None or column not in shown:  # a column beyond the table is not read here
                notes.extend(reasons if column is None else [])
        result.append(RowReadings(number, readings_of_row, notes))
    return result


def _order_value(field_name, values, raw, region):
    if field_name == "customer_phone":
        return _phone(raw, region)
    if field_name == "customer_email":
        problems = identity_problems({"email": [raw.strip()]}, region)
        return Reading(problem=problems[0][1]) if problems else Reading()
    key = ORDER_VALUES.get(field_name)
    if key is None:
        return Reading()
    value = values[key]
    if value is None:
        return Reading()
    if key == "placed_at":
        return Reading(text=format_moment(value))
    if key in ("amount", "order_total", "unit_price"):
        return Reading(text=format_money(value, values["currency"], get_language()))
    if key == "quantity":
        return Reading(text=format_decimal(value, locale=babel_locale(get_language())))
    if key == "status":
        return Reading(text=str(OrderStatus(value).label))
    if key == "channel":
        return Reading(text=str(SalesChannel(value).label))
    return Reading(text=str(value))


def _phone(raw, region):
    try:
        return Reading(text=normalise_phone(raw.strip(), region))
    except ValidationError as error:
        return Reading(problem="; ".join(error.messages))


def _customer_readings(run, preview, date_order, calendar):
    workspace = get_workspace()
    mapping = preview["mapping"]
    dates = _dates(preview, column_of(mapping, "birthday"), date_order, calendar)
    result = []
    for number, row in zip(_numbers(preview), preview["rows"], strict=False):
        cells = _cells(preview, row)
        country_column = column_of(mapping, "country")
        stated = (cells.get(country_column) or "").strip().upper() if country_column else ""
        region = stated or run.options.get("country") or workspace.country
        readings_of_row = []
        for column in preview["columns"]:
            field_name = mapping.get(column)
            if column not in cells or not field_name or not cells[column].strip():
                readings_of_row.append(Reading())
                continue
            try:
                value = read_field(field_name, cells[column], dates)
            except ValueProblem as problem:
                readings_of_row.append(Reading(problem=problem.message))
                continue
            readings_of_row.append(_customer_value(field_name, value, region))
        result.append(RowReadings(number, readings_of_row))
    return result


def _customer_value(field_name, value, region):
    if value is None:
        return Reading()
    if field_name in ("email", "phone", *CHAT_FIELDS):
        problems = identity_problems({field_name: value}, region)
        if problems:
            return Reading(problem="; ".join(reason for _field, reason in problems))
        if field_name == "email":
            return Reading()
        kind = CHAT_FIELDS.get(field_name, "phone")
        return Reading(text=", ".join(contact_point(kind, item, region)[1] for item in value))
    if field_name == "birthday":
        return Reading(text=format_day(value))
    if field_name == "gender":
        return Reading(text=str(Gender(value).label))
    if field_name == "country":
        try:
            validate_country(value)
        except ValidationError as error:
            return Reading(problem="; ".join(error.messages))
        return Reading(text=Locale.parse(babel_locale(get_language())).territories.get(value, value))
    if field_name == "tags":
        return Reading(text=", ".join(value))
    return Reading()
