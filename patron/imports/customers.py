"""``patron import customers FILE``: customers from a spreadsheet or CSV export.

    summary = import_customers(path, by=user, source="pos")

The file is read with :func:`patron.imports.reading.open_table` and its header mapped to
customer fields (:mod:`patron.imports.mapping`). A file is refused whole
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

Columns that map to no field are kept as typed custom attributes
(:mod:`patron.imports.attributes`); rejected rows go to the reject file
(:mod:`patron.imports.rejects`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

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
from patron.imports.attributes import attributes_of, text
from patron.imports.batches import run_in_batches
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
from patron.imports.reading import Row, open_table
from patron.imports.rejects import RejectFile, default_rejects_path, told
from patron.imports.seen import SeenKeys
from patron.imports.summary import ImportRefused, ImportSummary, Reject
from patron.imports.values import AmbiguousDates, ValueProblem
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
NAME_FIELDS = ("display_name", "given_name", "family_name")

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
    batch_size=500,
    progress: Callable[[int, int | None], None] | None = None,
) -> ImportSummary:
    """Import the customers in the file at ``path``; see the module docstring.

    ``progress(rows read, estimated rows in the file)`` is called after each batch.
    """
    require_perm(by, "customers.add_customer", "customers.change_customer")
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
            dates=date_reader_for(table, mapping, "birthday", order=date_order, calendar=calendar),
            source=source,
            country=(country or "").strip().upper() or None,
            workspace_country=get_workspace().country,
            by=by,
            rejects=rejects,
        )
        remember(KIND, source, columns, mapping, proposed=guess_mapping(KIND, columns))
        try:
            run_in_batches(
                table,
                batch_size=batch_size,
                write=importer.import_batch,
                summary=summary,
                rejects=rejects,
                progress=progress,
            )
        finally:
            rejects.close()
    return summary


def _check_mapping(mapping):
    fields = set(mapping.values())
    if not fields & {*NAME_FIELDS, "external_id"}:
        raise ImportRefused(
            _(
                "This file has no column for the customer's name or id: map one with "
                "--map 'column=display_name' (or given_name, family_name, external_id)."
            )
        )


# --------------------------------------------------------------------------- cells


def _split(value):
    return [part.strip() for part in _SEPARATORS.split(value or "") if part.strip()]


def _gender(value):
    value = text(value)
    if not value:
        return None
    gender = GENDERS.get(value.casefold())
    if gender is None:
        message = _("'%(value)s' is not a gender: use male, female or other (or ชาย, nữ, kadın...)")
        raise ValueProblem(message % {"value": value})
    return gender


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
        self.first_rows: dict[int, int] = {}  # row number -> first row of its external id, this batch

    def import_batch(self, batch: list[Row]):
        """Write one batch; the caller holds its transaction, each row has its own savepoint."""
        self.first_rows = {}
        if self.id_column:
            index = self.header.index(self.id_column)
            read = [(text(row.values[index]), row.number) for row in batch if text(row.values[index])]
            firsts = self.seen.first_rows([key for key, _n in read], [n for _key, n in read])
            self.first_rows = {n: first for (_key, n), first in zip(read, firsts, strict=True)}
        for row in batch:
            self._import_row(row)

    def _import_row(self, row: Row):
        self.summary.read += 1
        cells = dict(zip(self.header, row.values, strict=True))
        external_id = text(cells[self.id_column]) if self.id_column else ""
        try:
            data, stated_country = self._data(cells, external_id, row.number)
            with transaction.atomic():
                outcome = self._write(data, external_id, stated_country)
        except _RowProblems as problems:
            self._reject(row, problems.problems)
            return
        except ValidationError as error:
            self._reject(row, self._explain(error))
            return
        self.summary.count(outcome)
        if outcome == "created":
            self.summary.customers_created += 1

    def _data(self, cells, external_id, number):
        """(CustomerData, the country the row or --country states) from one row.

        Raises _RowProblems with every problem of the row, not only the first. A row without
        a country gets --country, else the workspace's; an update only changes a customer's
        country when the row or --country states one.
        """
        problems = []
        if external_id:
            first = self.first_rows[number]
            if first != number:
                reason = _("duplicate external id %(id)s within the file, first on row %(row)d")
                reason %= {"id": external_id, "row": first}
                problems.append(("external_id", reason))
        values = {}
        for column, field_name in self.mapping.items():
            try:
                values[field_name] = self._field(field_name, cells[column])
            except ValueProblem as problem:
                problems.append((field_name, problem.message))
        values.pop("external_id", None)
        stated_country = values.get("country") or self.country
        problems += self._identity_problems(values, stated_country or self.workspace_country)
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
        )
        return data, stated_country

    @staticmethod
    def _identity_problems(values, region):
        """Bad e-mails and phones, told with the row's other problems (the services check again)."""
        problems = []
        for address in values.get("email") or ():
            try:
                validate_email(address)
            except ValidationError:
                problems.append(
                    ("email", _("'%(value)s' is not a valid e-mail address") % {"value": address})
                )
        for raw in values.get("phone") or ():
            try:
                normalise_phone(raw, region)
            except ValidationError as error:
                problems.append(("phone", "; ".join(error.messages)))
        return problems

    def _field(self, field_name, raw):
        """One mapped cell's value; None for an empty cell (which leaves the field as it is)."""
        if field_name in ("email", "phone", "tags"):
            return _split(raw) or None
        if field_name == "birthday":
            return self.dates.parse_date(raw) if text(raw) else None
        if field_name == "gender":
            return _gender(raw)
        if field_name == "country":
            return text(raw).upper() or None
        return text(raw) or None

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
        else:
            # A row known only by e-mail or phone, which a second import of the file meets
            # again: unchanged when it would add nothing to the customer who holds them.
            region = data.country or self.workspace_country
            phones = [_phone_key(raw, region) for raw in data.phones or []]
            customer, _matched_on = find_existing(emails=data.emails or [], phones_e164=phones)
            if customer is not None and _update_for(customer, data, self.workspace_country) is None:
                self.summary.customers_matched += 1
                return "unchanged"
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
        column = column_of(self.mapping, field_name)
        if column is None and field_name in NAME_FIELDS:
            column = "/".join(c for c, f in self.mapping.items() if f in NAME_FIELDS)
        return column or ""

    def _reject(self, row: Row, problems):
        """Reject a row; ``problems`` is [(field, reason)]."""
        column, reason = told(problems, self._column_for, self.columns)
        self.rejects.add(row.number, row.values, column, reason)


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
        new = [t for t in data.tags if text(t) not in have]
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
