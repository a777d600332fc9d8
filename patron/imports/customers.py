"""``patron import customers FILE``: customers from a spreadsheet or CSV export.

    summary = import_customers(path, by=user, source="pos")

The file is read with :func:`patron.imports.reading.open_table` and its header mapped to
customer fields (:mod:`patron.imports.mapping`). A file is refused whole
(:class:`ImportRefused`, :class:`FileRefused`, :class:`MappingProblem`, :class:`AmbiguousDates`)
before anything is written; otherwise every row is either written or rejected.

Each row becomes a :class:`CustomerData` and is taken by the customer services' rules, so
the outcome and the audit trail are the same as in the UI:

* a row whose (source, external id) is already known updates that customer: non-empty cells
  overwrite the profile, e-mails, phones and tags are added (existing ones are kept), custom
  attributes are merged; a row that would change nothing is counted as unchanged and not
  written at all, so importing the same file twice is harmless;
* any other row goes to ``customer_create_or_attach``: a new customer, or the details added to
  the customer who already holds the same e-mail or phone.

Columns that map to no field are kept as typed custom attributes
(:mod:`patron.imports.attributes`); rejected rows go to the reject file
(:mod:`patron.imports.rejects`).

Rows are read and checked in a thread a batch or two ahead (``prepare_batch``, no database);
each batch is then worked out in memory and written in bulk by
:mod:`patron.imports.customer_batch`, with the services' rules applied row by row in file
order, so the outcome is the same as calling the services for each row, at about a hundred
times the speed.
"""

from __future__ import annotations

import contextlib
import gc
import re
from collections.abc import Callable
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from patron.accounts.permissions import allowed, require
from patron.bulk import bulk_writes
from patron.customers.contact_kinds import contact_point
from patron.customers.identity import is_email_address
from patron.customers.models import ContactKind
from patron.customers.phones import normalise_phone
from patron.customers.services import CustomerData
from patron.imports.attributes import attributes_of, text
from patron.imports.batches import run_in_batches
from patron.imports.customer_batch import (
    CREATED,
    CustomerBatch,
    CustomerRow,
    match_keys,
    new_customer,
    packed,
)
from patron.imports.forked import Forked
from patron.imports.formats import FileRefused
from patron.imports.headers import MappingProblem, guess_mapping
from patron.imports.mapping import (
    checked_source,
    column_of,
    data_columns,
    date_reader_for,
    mapping_for,
    remember,
)
from patron.imports.messages import said
from patron.imports.reading import Row, open_table
from patron.imports.rejects import RejectFile, default_rejects_path, told
from patron.imports.seen import SeenKeys
from patron.imports.summary import ImportRefused, ImportSummary, Reject
from patron.imports.values import AmbiguousDates, ValueProblem
from patron.workspace.clock import business_zone
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
BATCH_SIZE = 5_000
NAME_FIELDS = ("display_name", "given_name", "family_name")
# Columns of chat ids, and the kind of contact point each holds.
CHAT_FIELDS = {
    "line_id": ContactKind.LINE,
    "zalo_id": ContactKind.ZALO,
    "viber_id": ContactKind.VIBER,
    "whatsapp": ContactKind.WHATSAPP,
}

_SEPARATORS = re.compile(r"[;,]")

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


class _RowProblems(Exception):
    """Every problem found in one row: [(field, reason)]."""

    def __init__(self, problems):
        super().__init__(problems)
        self.problems = problems


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
    batch_size=BATCH_SIZE,
    progress: Callable[[int, int | None], None] | None = None,
) -> ImportSummary:
    """Import the customers in the file at ``path``; see the module docstring.

    ``progress(rows read, estimated rows in the file)`` is called after each batch.
    """
    require(by, "customers.add_customer", "customers.change_customer")
    source = checked_source(source)
    path = Path(path)
    with open_table(path, encoding=encoding) as table:
        columns = data_columns(table.header)
        mapping = mapping_for(KIND, source, columns, overrides)
        _check_mapping(mapping)
        summary = ImportSummary()
        rejects_path = Path(rejects_path) if rejects_path else default_rejects_path(path)
        rejects = RejectFile(rejects_path, columns, summary)
        importer = _Importer(
            header=table.header,
            columns=columns,
            mapping=mapping,
            dates=_RememberedDates(
                date_reader_for(table, mapping, "birthday", order=date_order, calendar=calendar)
            ),
            source=source,
            country=(country or "").strip().upper() or None,
            workspace_country=get_workspace().country,
            by=by,
            rejects=rejects,
        )
        remember(KIND, source, columns, mapping, proposed=guess_mapping(KIND, columns))
        try:
            with bulk_writes(), _fewer_collections(), Forked(importer.work_out) as rules:
                importer.rules = rules
                run_in_batches(
                    table,
                    batch_size=batch_size,
                    prepare=importer.prepare_batch,
                    write=importer.import_batch,
                    summary=summary,
                    rejects=rejects,
                    progress=progress,
                )
        finally:
            rejects.close()
    return summary


@contextlib.contextmanager
def _fewer_collections():
    """The cyclic garbage collector, seldom and over the import's own objects only, while it runs.

    A batch makes hundreds of thousands of objects (rows, customers, their e-mails...) that
    reference counting frees; the collector, run every 700 of them by default, would look at
    all of them and at everything Django holds again and again: 40 % of an import's time.
    Objects from before the import are set aside (``gc.freeze``) and the youngest generation
    is collected every 50,000 objects; both are put back when the import ends.
    """
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _check_mapping(mapping):
    fields = set(mapping.values())
    if not fields & {*NAME_FIELDS, "external_id"}:
        message = gettext_noop(
            "This file has no column for the customer's name or id: map one with "
            "--map 'column=display_name' (or given_name, family_name, external_id)."
        )
        raise ImportRefused(said(message))


# --------------------------------------------------------------------------- cells


def _split(value):
    return [part.strip() for part in _SEPARATORS.split(value or "") if part.strip()]


def _gender(value):
    value = text(value)
    if not value:
        return None
    gender = GENDERS.get(value.casefold())
    if gender is None:
        message = gettext_noop(
            "'%(value)s' is not a gender: use male, female or other (or ชาย, nữ, kadın...)"
        )
        raise ValueProblem(said(message, value=value))
    return gender


class _RememberedDates:
    """The file's date reader, remembering what it made of each text: a file repeats its
    birthdays and other values, and every custom attribute is first tried as a date."""

    SIZE = 100_000

    def __init__(self, reader):
        self.reader = reader
        self.read: dict[str, tuple] = {}  # text -> (date, None) or (None, the problem's message)

    def parse_date(self, text):
        found = self.read.get(text)
        if found is None:
            try:
                found = (self.reader.parse_date(text), None)
            except ValueProblem as problem:
                found = (None, problem.message)
            if len(self.read) >= self.SIZE:
                self.read.clear()
            self.read[text] = found
        if found[1] is not None:
            raise ValueProblem(found[1])
        return found[0]


# --------------------------------------------------------------------------- rows


class _Importer:
    def __init__(self, *, header, columns, mapping, dates, source, country, workspace_country, by, rejects):
        self.header = header
        self.columns = columns
        self.mapping = mapping
        self.unmapped = [column for column in columns if column not in mapping]
        self.dates = dates
        self.source = source
        self.country = country
        self.workspace_country = workspace_country
        self.id_column = column_of(mapping, "external_id")
        self.by = by
        self.rejects = rejects
        self.summary = rejects.summary
        self.seen = SeenKeys()  # external ids read, with their first row
        # Reasons are written in the language of whoever imports, in the reading thread too, and
        # birthdays checked against the business day.
        self.language = translation.get_language()
        self.zone = business_zone()
        # Rows that make a new customer are worked out as they are read, unless the tags a row
        # names must first be looked up (for a role that may not add tags).
        self.work_out_new = allowed(by, "customers.add_tag")
        self.rules = self.work_out

    def prepare_batch(self, batch: list[Row]):
        """(today, the batch's rows read and checked): a CustomerRow, or (row, [(field, reason)])
        for a bad one; the part of the work that needs no database (see run_in_batches).

        The rows' rules are worked out by ``self.rules``, which may be a forked process
        (:mod:`.forked`); the duplicate ids, found with Polars, here.
        """
        first_rows = {}
        if self.id_column:
            index = self.header.index(self.id_column)
            read = [(text(row.values[index]), row.number) for row in batch if text(row.values[index])]
            firsts = self.seen.first_rows([key for key, _n in read], [n for _key, n in read])
            first_rows = {n: first for (_key, n), first in zip(read, firsts, strict=True)}
        today, results = self.rules(([(row.number, row.values) for row in batch], first_rows))
        prepared = []
        for row, result in zip(batch, results, strict=True):
            if isinstance(result, list):
                prepared.append((row, result))
                continue
            external_id, data, stated_country, new, keys = result
            prepared.append(CustomerRow(row.number, row.values, external_id, data, stated_country, new, keys))
        return today, prepared

    def work_out(self, work):
        """(today, for each row its [(field, reason)], or (external id, CustomerData's fields
        pickled, stated country, new_customer(data), match_keys(data))): plain values, quick to
        pickle, the data pickled apart as few rows need it."""
        rows, first_rows = work  # first_rows: row number -> first row of its external id
        today = timezone.localdate(timezone=self.zone)
        results = []
        with translation.override(self.language):
            for number, values in rows:
                cells = dict(zip(self.header, values, strict=True))
                external_id = text(cells[self.id_column]) if self.id_column else ""
                first = first_rows[number] if external_id else None
                try:
                    data, stated_country = self._data(cells, external_id, number, first)
                except _RowProblems as problems:
                    results.append(problems.problems)
                    continue
                new = None
                if self.work_out_new:
                    new = new_customer(data, workspace_country=self.workspace_country, today=today)
                results.append((external_id, packed(data), stated_country, new, match_keys(data)))
        return today, results

    def import_batch(self, prepared):
        """Write one prepared batch (see customer_batch); the caller holds its transaction."""
        today, prepared = prepared
        summary = self.summary
        summary.read += len(prepared)
        rows = [item for item in prepared if isinstance(item, CustomerRow)]
        batch = CustomerBatch(
            source=self.source, by=self.by, workspace_country=self.workspace_country, today=today
        )
        outcomes = batch.outcomes(rows)
        batch.write()
        rejected = [(item[0].number, item[0].values, item[1]) for item in prepared if isinstance(item, tuple)]
        for row, outcome in zip(rows, outcomes, strict=True):
            if isinstance(outcome, ValidationError):
                rejected.append((row.number, row.values, self._explain(outcome)))
                continue
            kind, matched = outcome
            summary.count(kind)
            summary.customers_created += outcome == CREATED
            summary.customers_matched += matched
        for number, values, problems in sorted(rejected, key=lambda item: item[0]):
            self._reject(number, values, problems)

    def _data(self, cells, external_id, number, first):
        """(CustomerData, the country the row or --country states) from one row; ``first`` is the
        first row of its external id in the file.

        Raises _RowProblems with every problem of the row, not only the first. A row without
        a country gets --country, else the workspace's; an update only changes a customer's
        country when the row or --country states one.
        """
        problems = []
        if external_id and first != number:
            reason = gettext_noop("duplicate external id %(id)s within the file, first on row %(row)d")
            reason = said(reason, id=external_id, row=first)
            problems.append(("external_id", reason))
        values = {}
        for column, field_name in self.mapping.items():
            try:
                values[field_name] = self._field(field_name, cells[column])
            except ValueProblem as problem:
                problems.append((field_name, problem.message))
        values.pop("external_id", None)
        stated_country = values.get("country") or self.country
        problems += identity_problems(values, stated_country or self.workspace_country)
        if problems:
            raise _RowProblems(problems)
        data = CustomerData(
            display_name=values.get("display_name"),
            given_name=values.get("given_name"),
            family_name=values.get("family_name"),
            country=stated_country or self.workspace_country,
            locale=values.get("locale"),
            birthday=values.get("birthday"),
            gender=values.get("gender"),
            attributes=attributes_of(cells, self.unmapped, self.dates) or None,
            tags=values.get("tags"),
            emails=values.get("email"),
            phones=values.get("phone"),
            external_ids=[(self.source, external_id)] if external_id else None,
            contact_points=[(kind, v) for name, kind in CHAT_FIELDS.items() for v in values.get(name) or ()]
            or None,
        )
        return data, stated_country

    def _field(self, field_name, raw):
        return read_field(field_name, raw, self.dates)

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
        column = column_of(self.mapping, field_name)
        if column is None and field_name in NAME_FIELDS:
            column = "/".join(c for c, f in self.mapping.items() if f in NAME_FIELDS)
        return column or ""

    def _reject(self, number, values, problems):
        """Reject a row; ``problems`` is [(field, reason)]."""
        column, reason = told(problems, self._column_for, self.columns)
        self.rejects.add(number, values, column, reason)


def read_field(field_name, raw, dates):
    """One mapped cell's value; None for an empty cell (which leaves the field as it is).
    ValueProblem when it cannot be read. The import preview reads the cells with it too."""
    if field_name in ("email", "phone", "tags", *CHAT_FIELDS):
        return _split(raw) or None
    if field_name == "birthday":
        return dates.parse_date(raw) if text(raw) else None
    if field_name == "gender":
        return _gender(raw)
    if field_name == "country":
        return text(raw).upper() or None
    return text(raw) or None


def identity_problems(values, region):
    """Bad e-mails, phones and chat ids, told with the row's other problems (the services
    check again)."""
    problems = []
    for address in values.get("email") or ():
        if not is_email_address(address):
            message = gettext_noop("'%(value)s' is not a valid e-mail address")
            problems.append(("email", said(message, value=address)))
    for raw in values.get("phone") or ():
        try:
            normalise_phone(raw, region)
        except ValidationError as error:
            problems.append(("phone", "; ".join(error.messages)))
    for name, kind in CHAT_FIELDS.items():
        for raw in values.get(name) or ():
            try:
                contact_point(kind, raw, region)
            except ValidationError as error:
                problems.append((name, "; ".join(error.messages)))
    return problems
