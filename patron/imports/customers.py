"""``patron import customers FILE``: customers from a spreadsheet or CSV export.

    summary = import_customers(path, by=user, source="pos")

The file is read with :func:`patron.imports.reading.open_table` and its header mapped to
customer fields (the mapping last used for the same source first, then the guessed one, then
``--map`` overrides; the result is remembered for next time). A file is refused whole
(:class:`ImportRefused`, :class:`FileRefused`, :class:`MappingProblem`, :class:`AmbiguousDates`)
before anything is written; otherwise every row is either written or rejected.

Each row becomes a :class:`CustomerData` and goes through the customer services, so the
rules and the audit trail are the same as in the UI:

* a row whose (source, external id) is already known updates that customer: non-empty cells
  overwrite the profile, e-mails, phones and tags are added (existing ones are kept), custom
  attributes are merged; a row that would change nothing is counted as unchanged and not
  written at all, so importing the same file twice is harmless;
* any other row goes to ``customer_create_or_attach``: a new customer, or the details added to
  the customer who already holds the same e-mail or phone.

Columns that map to no field are kept as custom attributes, typed: whole numbers (without a
leading zero, so codes such as "0812345678" stay text) become JSON integers, decimals become
JSON numbers only when a float gives back exactly the written value (otherwise the text is
kept, so no amount is silently rounded), date-shaped values the file's date reader can read
become ISO dates ("2024-03-25"), and anything else is kept as text. Empty cells are skipped.

Rejected rows are written, as they were read, to a CSV file (UTF-8 with a BOM, so Excel
opens it) with two more columns, ``row`` and ``reason``; fixed, it can be imported again as
it is (the trailing ``row`` and ``reason`` columns are then ignored).
"""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from patron.accounts.permissions import require_perm
from patron.customers.identity import find_existing
from patron.customers.models import Customer
from patron.customers.phones import normalise_phone
from patron.customers.services import (
    PROFILE_FIELDS,
    CustomerData,
    customer_create_or_attach,
    customer_update,
)
from patron.imports.formats import FileRefused
from patron.imports.headers import MappingProblem, apply_overrides, guess_mapping
from patron.imports.models import SourceMapping
from patron.imports.reading import Row, open_table
from patron.imports.values import AmbiguousDates, DateReader, ValueProblem
from patron.workspace.services import get_workspace

__all__ = [
    "AmbiguousDates",
    "FileRefused",
    "ImportRefused",
    "ImportSummary",
    "MappingProblem",
    "Reject",
    "import_customers",
]

KIND = "customers"
DETECTION_ROWS = 1000
"""Rows read up front to tell the birthday column's date order and calendar."""
KEPT_REJECTS = 1000
"""Rejects kept in memory on the summary; the reject file has them all."""
REJECT_COLUMNS = ["row", "reason"]
NAME_FIELDS = ("display_name", "given_name", "family_name")

_SEPARATORS = re.compile(r"[;,]")
_INTEGER = re.compile(r"^-?(?:0|[1-9]\d{0,14})$")
_DECIMAL = re.compile(r"^-?(?:0|[1-9]\d*)\.\d+$")

GENDERS = {
    "male": "male",
    "m": "male",
    "man": "male",
    "ชาย": "male",
    "เพศชาย": "male",
    "nam": "male",
    "erkek": "male",
    "e": "male",
    "lalaki": "male",
    "female": "female",
    "f": "female",
    "woman": "female",
    "หญิง": "female",
    "เพศหญิง": "female",
    "nữ": "female",
    "nu": "female",
    "kadın": "female",
    "kadin": "female",
    "k": "female",
    "babae": "female",
    "other": "other",
    "อื่นๆ": "other",
    "khác": "other",
    "diğer": "other",
    "iba": "other",
}
# Service error paths ("phones.0") back to the mapped field ("phone").
_FIELD_OF_ERROR = {"phones": "phone", "emails": "email", "external_ids": "external_id", "tags": "tags"}


class ImportRefused(Exception):
    """The whole file was refused before anything was written; the message says why."""

    @property
    def message(self):
        return self.args[0] if self.args else ""


@dataclass(frozen=True)
class Reject:
    row: int
    column: str
    reason: str


@dataclass
class ImportSummary:
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    customers_created: int = 0
    customers_matched: int = 0
    reject_file: str | None = None
    rejects: list[Reject] = field(default_factory=list, repr=False)

    def as_dict(self):
        return {
            "read": self.read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "customers_created": self.customers_created,
            "customers_matched": self.customers_matched,
            "reject_file": self.reject_file,
        }


class _RowProblem(Exception):
    def __init__(self, field_name, reason):
        super().__init__(reason)
        self.field_name = field_name
        self.reason = reason


# --------------------------------------------------------------------------- entry point


def import_customers(
    path,
    *,
    by,
    source,
    country=None,
    encoding=None,
    date_order=None,
    calendar=None,
    overrides=(),
    rejects_path=None,
    batch_size=500,
    progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Import the customers in the file at ``path``; see the module docstring."""
    require_perm(by, "customers.add_customer", "customers.change_customer")
    source = (source or "").strip()
    if not source or len(source) > 50:
        raise ImportRefused("Name the source of the file (--source) in 1 to 50 characters.")
    path = Path(path)
    with open_table(path, encoding=encoding) as table:
        header = table.header
        columns = _data_columns(header)
        mapping = _mapping(source, columns, overrides)
        _check_mapping(mapping)
        reader = _date_reader(table, mapping, date_order, calendar)
        workspace_country = get_workspace().country
        importer = _Importer(
            header=header,
            columns=columns,
            mapping=mapping,
            dates=reader,
            source=source,
            country=(country or "").strip().upper() or None,
            workspace_country=workspace_country,
            by=by,
            rejects_path=Path(rejects_path) if rejects_path else _default_rejects_path(path),
        )
        _remember(source, columns, mapping)
        try:
            importer.run(table.rows(), batch_size=batch_size, progress=progress)
        finally:
            importer.close()
    return importer.summary


def _default_rejects_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.rejects.csv")


def _data_columns(header):
    """The header without the ``row`` and ``reason`` columns a reject file adds at the end."""
    if len(header) > len(REJECT_COLUMNS) and header[-len(REJECT_COLUMNS) :] == REJECT_COLUMNS:
        return header[: -len(REJECT_COLUMNS)]
    return list(header)


# --------------------------------------------------------------------------- mapping


def _mapping(source, columns, overrides):
    mapping = guess_mapping(KIND, columns)
    remembered = SourceMapping.objects.filter(source=source, kind=KIND).first()
    if remembered is not None:
        again = [f"{column}={field}" for column, field in remembered.mapping.items() if column in columns]
        mapping = apply_overrides(mapping, again, columns, kind=KIND)
    return apply_overrides(mapping, list(overrides), columns, kind=KIND)


def _check_mapping(mapping):
    fields = set(mapping.values())
    if not fields & {*NAME_FIELDS, "external_id"}:
        raise ImportRefused(
            "This file has no column for the customer's name or id: map one with "
            "--map 'column=display_name' (or given_name, family_name, external_id)."
        )


def _remember(source, columns, mapping):
    """Save the mapping, unmapped columns included (as ""), for the next file from ``source``."""
    SourceMapping.objects.update_or_create(
        source=source, kind=KIND, defaults={"mapping": {c: mapping.get(c, "") for c in columns}}
    )


def _column_of(mapping, field_name):
    return next((column for column, mapped in mapping.items() if mapped == field_name), None)


def _date_reader(table, mapping, date_order, calendar):
    """The file's date reader, fitted on the first rows of the birthday column, if any."""
    column = _column_of(mapping, "birthday")
    if column is None:
        return DateReader(order=date_order, calendar=calendar)
    index = table.header.index(column)
    rows = table.rows()
    try:
        samples = [row.values[index] for row in itertools.islice(rows, DETECTION_ROWS)]
    finally:
        rows.close()
    return DateReader.for_column(samples, order=date_order, calendar=calendar)


# --------------------------------------------------------------------------- cells


def _text(value):
    return " ".join((value or "").split())


def _split(value):
    return [part.strip() for part in _SEPARATORS.split(value or "") if part.strip()]


def _gender(value):
    text = _text(value)
    if not text:
        return None
    gender = GENDERS.get(text.casefold())
    if gender is None:
        raise ValueProblem(f"'{text}' is not a gender: use male, female or other (or ชาย, nữ, kadın...)")
    return gender


def typed_attribute(value, dates):
    """A custom attribute's JSON value: int, exact float, ISO date or the text (see module docs)."""
    text = _text(value)
    try:
        return dates.parse_date(text).isoformat()
    except ValueProblem:
        pass
    if _INTEGER.match(text):
        return int(text)
    if _DECIMAL.match(text):
        try:
            exact = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
            return text
        number = float(exact)
        if Decimal(repr(number)) == exact:
            return number
    return text


# --------------------------------------------------------------------------- rows


class _Importer:
    def __init__(
        self, *, header, columns, mapping, dates, source, country, workspace_country, by, rejects_path
    ):
        self.header = header
        self.columns = columns
        self.mapping = mapping
        self.dates = dates
        self.source = source
        self.country = country
        self.workspace_country = workspace_country
        self.id_column = _column_of(mapping, "external_id")
        self.by = by
        self.rejects_path = rejects_path
        self.summary = ImportSummary()
        self.first_row_of: dict[str, int] = {}
        self._reject_file = None
        self._reject_writer = None

    # -- driving

    def run(self, rows: Iterator[Row], *, batch_size, progress):
        batch_size = max(1, batch_size)
        while True:
            batch = list(itertools.islice(rows, batch_size))
            if not batch:
                break
            with transaction.atomic():
                for row in batch:
                    self._import_row(row)
            if progress is not None:
                progress(self.summary.read)

    def _import_row(self, row: Row):
        self.summary.read += 1
        cells = dict(zip(self.header, row.values, strict=True))
        external_id = _text(cells[self.id_column]) if self.id_column else ""
        try:
            if external_id:
                first = self.first_row_of.setdefault(external_id, row.number)
                if first != row.number:
                    raise _RowProblem(
                        "external_id",
                        f"duplicate external id {external_id} within the file, first on row {first}",
                    )
            data, stated_country = self._data(cells, external_id)
            with transaction.atomic():
                outcome = self._write(data, external_id, stated_country)
        except _RowProblem as problem:
            self._reject(row, [(problem.field_name, problem.reason)])
            return
        except ValidationError as error:
            self._reject(row, self._explain(error))
            return
        setattr(self.summary, outcome, getattr(self.summary, outcome) + 1)
        if outcome == "created":
            self.summary.customers_created += 1

    def _data(self, cells, external_id):
        """(CustomerData, the country the row or --country states) from one row, or _RowProblem.

        A row without a country gets --country, else the workspace's; an update only
        changes a customer's country when the row or --country states one.
        """
        values = {}
        attributes = {}
        for column in self.columns:
            raw = cells[column]
            field_name = self.mapping.get(column)
            if field_name is None:
                if _text(raw):
                    attributes[column] = typed_attribute(raw, self.dates)
                continue
            try:
                values[field_name] = self._field(field_name, raw)
            except ValueProblem as problem:
                raise _RowProblem(field_name, problem.message) from None
        values.pop("external_id", None)
        stated_country = values.get("country") or self.country
        data = CustomerData(
            display_name=values.get("display_name"),
            given_name=values.get("given_name"),
            family_name=values.get("family_name"),
            country=stated_country or self.workspace_country,
            locale=values.get("locale"),
            birthday=values.get("birthday"),
            gender=values.get("gender"),
            attributes=attributes or None,
            tags=values.get("tags"),
            emails=values.get("email"),
            phones=values.get("phone"),
            external_ids=[(self.source, external_id)] if external_id else None,
        )
        return data, stated_country

    def _field(self, field_name, raw):
        """One mapped cell's value; None for an empty cell (which leaves the field as it is)."""
        if field_name in ("email", "phone", "tags"):
            return _split(raw) or None
        if field_name == "birthday":
            return self.dates.parse_date(raw) if _text(raw) else None
        if field_name == "gender":
            return _gender(raw)
        if field_name == "country":
            return _text(raw).upper() or None
        return _text(raw) or None

    # -- writing

    def _write(self, data, external_id, stated_country):
        """ "created", "updated" or "unchanged"; raises ValidationError for a bad row."""
        if external_id:
            customer, _matched_on = find_existing(external_ids=[(self.source, external_id)])
            if customer is not None:
                update = _update_for(customer, replace(data, country=stated_country), self.workspace_country)
                if update is None:
                    return "unchanged"
                customer_update(customer=customer, data=update, by=self.by)
                return "updated"
        _customer, matched_on = customer_create_or_attach(data=data, by=self.by)
        if matched_on is None:
            return "created"
        self.summary.customers_matched += 1
        return "updated"

    @staticmethod
    def _explain(error: ValidationError):
        """[(field, reason)] from a service's error; "phones.0" is the "phone" field."""
        if not hasattr(error, "error_dict"):
            return [("", "; ".join(error.messages))]
        return [
            (_FIELD_OF_ERROR.get(path.split(".", 1)[0], path.split(".", 1)[0]), "; ".join(messages))
            for path, messages in error.message_dict.items()
        ]

    # -- rejects

    def _column_for(self, field_name):
        if not field_name:
            return ""
        column = _column_of(self.mapping, field_name)
        if column is None and field_name in NAME_FIELDS:
            column = "/".join(c for c, f in self.mapping.items() if f in NAME_FIELDS)
        return column or ""

    def _reject(self, row: Row, problems):
        """Count and write a rejected row; ``problems`` is [(field, reason)], told in column order."""
        order = {column: index for index, column in enumerate(self.columns)}
        problems = sorted(problems, key=lambda p: order.get(self._column_for(p[0]), len(order)))
        columns = [self._column_for(field_name) for field_name, _reason in problems]
        reason = "; ".join(
            f"{column}: {text}" if column else text
            for column, (_field, text) in zip(columns, problems, strict=True)
        )
        column = columns[0]
        self.summary.rejected += 1
        if len(self.summary.rejects) < KEPT_REJECTS:
            self.summary.rejects.append(Reject(row=row.number, column=column, reason=reason))
        if self._reject_writer is None:
            self.rejects_path.parent.mkdir(parents=True, exist_ok=True)
            self._reject_file = self.rejects_path.open("w", encoding="utf-8-sig", newline="")
            self._reject_writer = csv.writer(self._reject_file)
            self._reject_writer.writerow([*self.columns, *REJECT_COLUMNS])
            self.summary.reject_file = str(self.rejects_path)
        self._reject_writer.writerow([*row.values[: len(self.columns)], row.number, reason])

    def close(self):
        if self._reject_file is not None:
            self._reject_file.close()


def _update_for(customer: Customer, data: CustomerData, default_region) -> CustomerData | None:
    """What ``data`` changes on ``customer`` (a row of a known external id), or None for nothing.

    Non-empty profile cells overwrite; e-mails, phones and tags are added to the customer's own.
    """
    update = CustomerData()
    changed = False
    for name in PROFILE_FIELDS:
        if name == "attributes":
            continue
        value = getattr(data, name)
        if value is not None and value != getattr(customer, name):
            setattr(update, name, value)
            changed = True
    if data.attributes:
        merged = {**customer.attributes, **data.attributes}
        if merged != customer.attributes:
            update.attributes = merged
            changed = True
    if data.emails:
        have = [e.address for e in customer.emails.all()]
        known = {a.casefold() for a in have}
        new = [a for a in data.emails if a.casefold() not in known]
        if new:
            update.emails = have + new
            changed = True
    if data.phones:
        have = [p.e164 for p in customer.phones.all()]
        region = update.country or customer.country or default_region
        new = [raw for raw in data.phones if _phone_key(raw, region) not in have]
        if new:
            update.phones = have + new
            changed = True
    if data.tags:
        have = [t.name for t in customer.tags.all()]
        new = [t for t in data.tags if _text(t) not in have]
        if new:
            update.tags = have + new
            changed = True
    return update if changed else None


def _phone_key(raw, region):
    """The E.164 form, or the raw text when it is not a phone (the service then rejects it)."""
    try:
        return normalise_phone(raw, region)
    except ValidationError:
        return raw
