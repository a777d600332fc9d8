"""``patron import orders FILE``: years of sales from a point-of-sale, web-shop or marketplace export.

    summary = import_orders(path, by=user, source="pos")

A file holds one row per order, or one row per order line (when it has product, quantity or
unit-price columns): consecutive rows with the same order number are the lines of one order,
and each line's amount is its ``total`` cell, else quantity × unit price; the order's total is
the sum of its lines, or its ``order_total`` cell (the same on each of its lines). On a row per
order, ``order_total`` is the amount. A row without an order number is an order of its own.

The order number is never lost for want of a known header: with no column mapped to it, a
column that holds document numbers is looked for (:mod:`patron.imports.order_numbers`) and
taken when the evidence is certain, or the file is refused with the question. Within the file,
an order number read again is one order when the order is the very same (counted in
``repeated``), and a rejected row otherwise (:mod:`patron.imports.order_content`). The columns
not imported are listed in the summary.

Each row names its customer by their id in the same source (``customer_external_id``), and/or
by e-mail, phone and name. A known id is enough; otherwise the customer is found by e-mail or
phone (exact identity matching) or created, with the row's details.

Idempotent: an order is keyed by (source, order number), or, without a number, by a
fingerprint of the customer as written, the time, the amount and the status. An order already
recorded with the same values is counted as unchanged and not written; one whose values
changed is updated (its lines replaced). Money: the row's currency, else that of --country,
else the workspace's; converted to the base currency at the rate of the order's day (a row
in a currency without a known rate for that day is rejected). A negative amount or quantity
is refused unless the row is a return (status "returned", or an ``is_return`` column saying
so): a return is recorded as an order with status "returned" and the amount paid back.

Speed: rows are parsed in Python (:mod:`patron.imports.order_rows`) and the new orders of a
batch written with the database's bulk path (:mod:`patron.imports.order_writing`); only new
customers and changed orders go through the ORM.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import numpy as np
import polars as pl
from babel import Locale
from babel.numbers import get_territory_currencies
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from patron.accounts.permissions import require
from patron.bulk import bulk_writes
from patron.customers.identity import find_existing
from patron.customers.models import ExternalId
from patron.customers.services import CustomerData, customer_create_or_attach
from patron.imports.batches import run_in_batches
from patron.imports.headers import ambiguous_columns, guess_mapping
from patron.imports.mapping import (
    blank_columns,
    checked_source,
    column_of,
    data_columns,
    date_reader_for,
    mapping_for,
    remember,
    sample_rows,
)
from patron.imports.messages import said
from patron.imports.order_columns import PlainOrderReader, PlainOrders
from patron.imports.order_content import (
    PART_FIELDS,
    differing_parts,
    digests,
    frame_of,
    order_parts,
    plain_parts,
)
from patron.imports.order_numbers import order_number_candidates
from patron.imports.order_rows import OrderRow, OrderRowReader, RowProblems, clean_cell
from patron.imports.order_writing import NewOrder, insert_orders, insert_plain_orders, plain_order_rows
from patron.imports.reading import Row, open_table
from patron.imports.rejects import RejectFile, default_rejects_path, told
from patron.imports.seen import SeenKeys
from patron.imports.summary import ImportRefused, OrderImportSummary
from patron.sales.events import ImportAnnouncer
from patron.sales.models import Order, OrderLine, Product
from patron.sales.rules import MAX_TOTAL, base_total, exchange_rate, rate_day
from patron.workspace.clock import business_today, business_zone
from patron.workspace.money import quantum
from patron.workspace.regions import validate_country
from patron.workspace.services import get_workspace

KIND = "orders"
LINE_FIELDS = {"sku", "product_name", "quantity", "unit_price"}
ORDER_FIELDS = {"placed_at", "customer_external_id", "customer_email", "customer_phone", "customer_name"}
"""The fields whose cells are the same on every line of an order."""
PRELOAD_LIMIT = 1_000_000
"""At most this many customer ids of a source are read up front (about 100 MB)."""
QUERY_CHUNK = 10_000
"""Values per IN (...) query: under the limit on parameters of SQLite (250,000 since 3.32)."""


def import_orders(
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
    batch_size=20_000,
    progress: Callable[[int, int | None], None] | None = None,
) -> OrderImportSummary:
    """Import the orders in the file at ``path``; see the module docstring."""
    require(by, "sales.add_order", "sales.change_order")
    source = checked_source(source)
    workspace = get_workspace()
    country = (country or "").strip().upper()
    if country:
        try:
            validate_country(country)
        except ValidationError:
            message = gettext_noop("--country %(country)s: not an ISO 3166 country code such as TH.")
            raise ImportRefused(said(message, country=country)) from None
    path = Path(path)
    with open_table(path, encoding=encoding) as table:
        columns = data_columns(table.header)
        mapping = mapping_for(KIND, source, columns, overrides)
        summary = OrderImportSummary()
        proposed = set(guess_mapping(KIND, columns))
        if "order_id" not in mapping.values():
            found = order_number_search(table, columns, mapping)
            proposed |= {candidate.column for candidate in found}
            blank = blank_columns(KIND, source, columns, overrides)
            found = [candidate for candidate in found if candidate.column not in blank]
            if len(found) == 1 and found[0].certain:
                mapping[found[0].column] = "order_id"
                summary.order_number_found = True
            elif found:
                raise ImportRefused(order_number_question(found))
        check_mapping(mapping)
        fields = set(mapping.values())
        lines = bool(fields & LINE_FIELDS)
        reading = reading_mapping(mapping, lines=lines)
        summary.order_number_column = column_of(mapping, "order_id")
        summary.ignored_columns = [column for column in columns if column not in reading]
        summary.ambiguous_columns = ambiguous_columns(KIND, columns, mapping)
        if fields & {"customer_name", "customer_email", "customer_phone"}:
            require(by, "customers.add_customer", "customers.change_customer")
        if fields & {"sku", "product_name"}:
            require(by, "sales.add_product")
        zone = business_zone(workspace)
        rejects_path = Path(rejects_path) if rejects_path else default_rejects_path(path)
        rejects = RejectFile(rejects_path, columns, summary)
        dates = date_reader_for(table, reading, "placed_at", order=date_order, calendar=calendar, zone=zone)
        reader = row_reader(dates, country, workspace)
        importer = _OrderImporter(
            header=table.header,
            mapping=reading,
            reader=reader,
            source=source,
            country=country or workspace.country,
            workspace=workspace,
            zone=zone,
            by=by,
            rejects=rejects,
            lines=lines,
            announcer=ImportAnnouncer(source, timezone.now()),
        )
        remember(KIND, source, columns, mapping, proposed)
        importer.preload_customers()
        order_column = column_of(mapping, "order_id")
        group = None
        if order_column is not None and lines:
            index = table.header.index(order_column)

            def group(row):
                return row.values[index].strip() or row.number

        finished = False
        try:
            with bulk_writes():
                run_in_batches(
                    table,
                    batch_size=batch_size,
                    prepare=importer.prepare_batch,
                    write=importer.import_batch,
                    summary=summary,
                    rejects=rejects,
                    progress=progress,
                    group=group,
                )
            finished = True
        finally:
            rejects.close()
            # The batches committed are told, also those of an import stopped or failed later.
            importer.announcer.end(finished=finished)
    return summary


def order_number_search(table, columns, mapping):
    """The file's unmapped columns that look like the order number, best first (see
    :mod:`patron.imports.order_numbers`), from its first rows."""
    header = table.header
    order_cells = [header.index(column) for column, field in mapping.items() if field in ORDER_FIELDS]
    unmapped = [column for column in columns if column not in mapping]
    return order_number_candidates(header, sample_rows(table), unmapped, order_cells)


def order_number_question(found):
    """Why the file is refused when no header names the order number and a column may hold it."""
    if len(found) == 1:
        message = gettext_noop(
            "No column's header names the order number, but the column “%(column)s” looks like it "
            "(%(orders)d different values in the first %(rows)d rows). Import it as the order "
            'number with --map "%(column)s=order_id", or import the orders without numbers '
            'with --map "%(column)s=".'
        )
        first = found[0]
        return said(message, column=first.column, orders=first.orders, rows=first.rows)
    message = gettext_noop(
        "No column's header names the order number, but these columns look like it: %(columns)s. "
        'Name the one that is with --map "COLUMN=order_id" (for example --map '
        '"%(column)s=order_id"), or import the orders without numbers with --map "COLUMN=" '
        "for each."
    )
    named = ", ".join(f"“{candidate.column}”" for candidate in found)
    return said(message, columns=named, column=found[0].column)


def reading_mapping(mapping, *, lines):
    """The mapping the rows are read with: in a file of one row per order, the order's total is
    its amount (a ``total`` column beside it is not imported)."""
    order_total = column_of(mapping, "order_total")
    if lines or order_total is None:
        return dict(mapping)
    reading = {column: field for column, field in mapping.items() if field != "total"}
    reading[order_total] = "total"
    return reading


def check_mapping(mapping):
    fields = set(mapping.values())
    if "placed_at" not in fields:
        message = gettext_noop(
            "This file has no column for the order's date: map one with --map 'column=placed_at'."
        )
        raise ImportRefused(said(message))
    if not fields & {"customer_external_id", "customer_email", "customer_phone"}:
        message = gettext_noop(
            "This file has no column naming the customer: map their id, e-mail or phone with "
            "--map 'column=customer_external_id' (or customer_email, customer_phone)."
        )
        raise ImportRefused(said(message))
    if not fields & {"total", "order_total", "unit_price"}:
        raise ImportRefused(
            said(gettext_noop("This file has no amount column: map one with --map 'column=total'."))
        )


def row_reader(dates, country, workspace):
    """The reader of the file's rows: ``dates`` its DateReader, ``country`` --country or ""."""
    return OrderRowReader(
        dates=dates,
        currency=_file_currency(country, workspace) or workspace.currency,
        locale_hint=str(Locale.parse(f"und_{country or workspace.country}")),
        now=timezone.now() + settings.PATRON_CLOCK_SKEW,
    )


def _file_currency(country, workspace):
    if not country:
        return None
    currencies = get_territory_currencies(country, business_today(workspace))
    return currencies[0] if currencies else None


class _Rejected(Exception):
    """A whole order (all its rows) is refused: ``field`` and ``reason`` say why."""

    def __init__(self, field_name, reason):
        super().__init__(reason)
        self.field_name = field_name
        self.reason = reason


class _OrderImporter:
    def __init__(
        self, *, header, mapping, reader, source, country, workspace, zone, by, rejects, lines, announcer
    ):
        self.header = header
        self.mapping = mapping
        self.fields = [(header.index(column), field) for column, field in mapping.items()]
        self.reader = reader
        self.source = source
        self.country = country
        self.workspace = workspace
        self.base_currency = workspace.currency
        self.by = by
        self.rejects = rejects
        self.summary = rejects.summary
        self.lines = lines
        self.announcer = announcer
        self.seen = SeenKeys()  # order numbers and fingerprints read, with their first row
        self.rejected_now = set()  # first rows of this batch rejected after their number was read
        self.order_index = (
            header.index(column_of(mapping, "order_id")) if "order_id" in mapping.values() else None
        )
        self.customers: dict[str, int] = {}  # customer key -> customer id
        self.products: dict[str, int] = {}  # sku -> product id
        self.rates: dict[tuple[str, date], Decimal | None] = {}
        self.source_had_orders = Order.objects.filter(source=source).exists()
        self.plain = PlainOrderReader.for_file(
            index={field: index for index, field in self.fields},
            lines=lines,
            calendar=reader.dates.calendar,
            currency=reader.currency,
            base_currency=self.base_currency,
            zone=zone,
            now=reader.now,
        )

    # -- one batch

    def prepare_batch(self, batch: list[Row]):
        """(batch, its plain rows or None): the part of a batch's work that needs no database.

        The plain rows get their customer from the ids already known (see preload_customers);
        the others are looked up when the batch is written.
        """
        if self.plain is None:
            return batch, None
        plain = self.plain.split(batch)
        customers = plain.frame["customer"].to_list()
        known = {value: self.customers.get(f"id:{value}") for value in set(customers)}
        plain.frame = plain.frame.with_columns(
            customer_id=pl.Series([known[value] for value in customers], dtype=pl.Int64)
        ).sort("customer_id", "placed_at")  # the order of the customer index: one sweep of its pages
        content, parts = digests(plain_parts(plain.frame, currency=self.base_currency))
        plain.frame = plain.frame.with_columns(
            content=pl.Series(content, dtype=pl.UInt64), parts=pl.Series(parts, dtype=pl.UInt64)
        )
        if None not in known.values():
            plain.rows = plain_order_rows(plain.frame, source=self.source, currency=self.base_currency)
        return batch, plain

    def preload_customers(self, limit=PRELOAD_LIMIT):
        """Read every customer id of the source at once, when there are at most ``limit``.

        One query instead of one per batch, and the batches can then find their customers
        ahead, without the database (prepare_batch).
        """
        ids = ExternalId.objects.filter(source=self.source)
        if ids.count() <= limit:
            self._remember_customer_ids(ids.values_list("value", "customer_id", "customer__merged_into_id"))

    def import_batch(self, prepared):
        """Write one prepared batch; the caller holds its transaction. Rejects go in row order;
        the orders written are told to the announcer (see :mod:`patron.sales.events`)."""
        batch, plain = prepared
        self.pending_rejects = []
        self.created_now, self.changed_now, self.placed_now = 0, [], []
        if plain is not None:
            batch = self._write_plain(batch, plain)
        self._write_rows(batch)
        for number, values, column, reason in sorted(self.pending_rejects, key=lambda r: r[0]):
            self.rejects.add(number, values, column, reason)
        if self.placed_now:
            self.announcer.batch(
                created=self.created_now,
                changed=self.changed_now,
                placed_from=min(self.placed_now),
                placed_to=max(self.placed_now),
            )

    def _write_rows(self, batch: list[Row]):
        """The row-by-row path: every row the plain path did not take."""
        self.summary.read += len(batch)
        by_number = {row.number: row for row in batch}
        orders = []
        for group in self._groups(batch):
            try:
                orders.append(self._order(group))
            except _Rejected as rejected:
                self._reject_rows(group, by_number, rejected.field_name, rejected.reason)
        orders, repeats = self._first_readings(orders, by_number)
        orders = self._with_customers(orders, by_number)
        self._settle_repeats(repeats, by_number)
        if self.lines:
            self._find_products(orders)
        new, existing = self._split_known(orders)
        insert_orders([order for order, _rows in new])
        for order, rows in new:
            self.summary.count("created", len(rows))
            self.placed_now.append(order.placed_at)
        self.created_now += len(new)
        for order, rows, known in existing:
            self._update(order, rows, known)

    def _write_plain(self, batch: list[Row], plain: PlainOrders):
        """Write a batch's plain rows column-wise (:mod:`.order_columns`); return the others.

        A plain row goes back to the others when its customer id is unknown, its order number
        was already read, or its order is recorded with other values: the row-by-row path
        creates the customer, tells the duplicate or updates the order. A plain row whose
        order is recorded with the same values is counted as unchanged here.
        """
        frame = plain.frame
        if not frame.height:
            return batch
        ready = plain.rows is not None
        missing = frame.filter(pl.col("customer_id").is_null())["customer"].unique().to_list()
        if missing:
            self._load_customer_ids(missing)
            ids = {value: self.customers.get(f"id:{value}") for value in missing}
            found = pl.col("customer").replace_strict(ids, default=None, return_dtype=pl.Int64)
            frame = frame.with_columns(customer_id=pl.coalesce("customer_id", found))
        numbers = frame["number"].to_list()
        order_ids = frame["order_id"].to_list()
        if plain.rest:
            # A number the batch also has on a row going row by row goes that way too, so
            # that the earlier of the two is the one told first.
            slow = {clean_cell(row.values[self.order_index]) for row in plain.rest}
            numbers = [n for n, key in zip(numbers, order_ids, strict=True) if key not in slow]
            if len(numbers) < frame.height:
                ready = False
                frame = frame.filter(~pl.col("order_id").is_in(list(slow)))
                order_ids = frame["order_id"].to_list()
        readings = self.seen.first_readings(
            order_ids, numbers, frame["content"].to_numpy(), frame["parts"].to_numpy()
        )
        first = [earlier == n for earlier, n in zip(readings.rows, numbers, strict=True)]
        if not all(first):
            ready = False
            frame = frame.filter(pl.Series(first, dtype=pl.Boolean))
        recorded = self._recorded("external_id", frame["order_id"].to_list())
        unchanged = self._unchanged(frame, recorded) if recorded else set()
        new = frame.filter(~pl.col("order_id").is_in(list(recorded))) if recorded else frame
        if ready and not recorded:
            insert_plain_orders(plain.rows)  # made ahead, in prepare_batch
        else:
            new = new.filter(pl.col("customer_id").is_not_null())
            insert_plain_orders(plain_order_rows(new, source=self.source, currency=self.base_currency))
        self.summary.read += new.height + len(unchanged)
        self.summary.count("created", new.height)
        if new.height:
            self.created_now += new.height
            self.placed_now += [new["placed_at"].min(), new["placed_at"].max()]
        self.summary.count("unchanged", len(unchanged))
        if new.height + len(unchanged) == plain.frame.height:  # every plain row done
            return plain.rest
        done = set(new["number"].to_list()) | unchanged
        return [row for row in batch if row.number not in done]

    def _unchanged(self, frame, recorded):
        """Row numbers of the plain rows whose order is recorded with the very same values."""
        same = set()
        columns = ["number", "order_id", "customer_id", "placed_at", "status", "channel", "total"]
        known = frame.filter(pl.col("order_id").is_in(list(recorded))).select(columns)
        for number, order_id, customer_id, placed_at, status, channel, total in known.iter_rows():
            amount = Decimal(total)
            values = (customer_id, placed_at, status, channel, self.base_currency, amount, amount)
            if values == recorded[order_id][1]:
                same.add(number)
        return same

    def _recorded(self, field_name, keys):
        """{key: (order id, its _COMPARED values)} for this source's orders with those keys.

        Nothing to look up when the source had no orders when the import began: the only
        orders it can have now are this run's, and a key read twice in a run is rejected.
        """
        recorded = {}
        if not self.source_had_orders:
            return recorded
        for start in range(0, len(keys), QUERY_CHUNK):
            chunk = keys[start : start + QUERY_CHUNK]
            # The exclude repeats the unique index's condition, without which SQLite and
            # PostgreSQL cannot use that partial index and scan the whole table.
            found = Order.objects.filter(source=self.source, **{f"{field_name}__in": chunk})
            found = found.exclude(**{field_name: ""})
            for values in found.values_list(field_name, "id", *_COMPARED):
                recorded[values[0]] = (values[1], values[2:])
        return recorded

    def _groups(self, batch):
        """The batch's readable rows as orders: lists of OrderRow, one per order."""
        groups = []
        for row in batch:
            cells = {field: row.values[index] for index, field in self.fields}
            try:
                order_row = self.reader.read(row.number, cells)
            except RowProblems as problems:
                self._reject(row, problems.problems)
                continue
            last = groups[-1] if groups else None
            if not (
                self.lines
                and last is not None
                and order_row.order_id
                and last[0].order_id == order_row.order_id
                and last[-1].number == order_row.number - 1
            ):
                groups.append([order_row])
            elif _same_order(last[0], order_row):
                last.append(order_row)
            else:
                reason = gettext_noop(
                    "this row is a line of order %(order)s (row %(row)d) "
                    "but names another customer, date or currency"
                )
                reason = said(reason, order=order_row.order_id, row=last[0].number)
                self._reject(row, [("order_id", reason)])
        return groups

    def _order(self, rows: list[OrderRow]):
        """(NewOrder without customer yet, its rows) for one order, or _Rejected."""
        first = rows[0]
        if self.lines:
            lines, total = self._lines(rows)
            given = {row.order_total for row in rows if row.order_total is not None}
            if len(given) > 1:
                reason = gettext_noop("the order total differs between the lines of order %(order)s")
                reason = said(reason, order=first.order_id)
                raise _Rejected("order_total", reason)
            if given:
                (total,) = given
        else:
            lines = []
            total = first.amount
            if total is None:
                total = (first.quantity or 1) * (first.unit_price or 0)
        total = total.quantize(quantum(first.currency), rounding=ROUND_HALF_EVEN)
        if total >= MAX_TOTAL:
            raise _Rejected("total", said(gettext_noop("this total is too large to record")))
        fingerprint = "" if first.order_id else first.fingerprint(total)
        rate = self._rate(first.currency, rate_day(first.placed_at, self.workspace))
        total_base = base_total(total, rate, self.base_currency)
        if total_base >= MAX_TOTAL:
            raise _Rejected("total", said(gettext_noop("this total is too large to record")))
        order = NewOrder(
            customer_id=0,
            source=self.source,
            external_id=first.order_id[:100],
            fingerprint=fingerprint,
            placed_at=first.placed_at,
            status=first.status,
            channel=first.channel,
            currency=first.currency,
            total=total,
            total_base=total_base,
            exchange_rate=rate,
            lines=lines,
        )
        return order, rows

    def _first_readings(self, orders, by_number):
        """(the orders whose number or fingerprint the file has not given before, the repeats).

        An order whose number was read before is one order with it when it says the very same
        (a repeat: settled once its customer is known, see ``_settle_repeats``); otherwise it is
        rejected, with the columns that differ. An order without a number read twice is rejected:
        two purchases alike are told, not merged.
        """
        keys = [rows[0].order_id or f"fingerprint:{order.fingerprint}" for order, rows in orders]
        numbers = [rows[0].number for _order, rows in orders]
        content, parts = self._digests(orders)
        readings = self.seen.first_readings(keys, numbers, content, parts)
        kept, repeats = [], []
        for i, (order, rows) in enumerate(orders):
            earlier = readings.rows[i]
            if earlier == numbers[i]:
                kept.append((order, rows))
                continue
            order_id = rows[0].order_id
            if order_id and readings.content[i] == content[i]:
                if readings.rejected[i]:
                    reason = gettext_noop(
                        "this row repeats order %(order)s of row %(row)d, which was rejected"
                    )
                    self._reject_rows(rows, by_number, "order_id", said(reason, order=order_id, row=earlier))
                else:
                    repeats.append((rows, earlier))
                continue
            differ = []
            if not order_id:
                reason = gettext_noop(
                    "same customer, time and amount as row %(row)d: give each order its own number "
                    "to import both"
                )
            elif self.lines:
                reason = gettext_noop(
                    "order %(order)s was already read on row %(row)d: "
                    "keep the lines of an order together (sort the file by order number)"
                )
            else:
                differ = self._columns_of(differing_parts(parts[i], readings.parts[i]))
                if differ:
                    reason = gettext_noop(
                        "order number %(order)s is already on row %(row)d with other values "
                        "(%(columns)s): an order number is imported once"
                    )
                else:
                    reason = gettext_noop(
                        "order number %(order)s is already on row %(row)d with other values: "
                        "an order number is imported once"
                    )
            reason = said(reason, order=order_id, row=earlier, columns=", ".join(differ))
            self._reject_rows(rows, by_number, "order_id", reason)
        return kept, repeats

    def _digests(self, orders):
        """(content, parts) digests of the orders with a number (zero for the others)."""
        numbered = [i for i, (_order, rows) in enumerate(orders) if rows[0].order_id]
        content = np.zeros(len(orders), dtype=np.uint64)
        parts = np.zeros(len(orders), dtype=np.uint64)
        if numbered:
            frame = frame_of(self._parts(*orders[i]) for i in numbered)
            content[numbered], parts[numbered] = digests(frame)
        return content, parts

    @staticmethod
    def _parts(order, rows):
        first = rows[0]
        lines = [(row.sku, quantity, price) for row, quantity, price in order.lines]
        return order_parts(
            first.customer_key,
            order.placed_at,
            order.currency,
            order.total,
            order.status,
            order.channel,
            lines,
        )

    def _columns_of(self, parts):
        """The file's columns that hold the given order parts, in file order."""
        fields = {field for part in parts for field in PART_FIELDS[part]}
        return [column for column in self.header if self.mapping.get(column) in fields]

    def _settle_repeats(self, repeats, by_number):
        """Count the repeats of orders read before once; reject those whose first row was rejected."""
        for rows, earlier in repeats:
            if earlier in self.rejected_now:
                reason = gettext_noop("this row repeats order %(order)s of row %(row)d, which was rejected")
                reason = said(reason, order=rows[0].order_id, row=earlier)
                self._reject_rows(rows, by_number, "order_id", reason)
                continue
            self.summary.count("unchanged", len(rows))
            self.summary.repeated += len(rows)
        self.rejected_now = set()

    @staticmethod
    def _lines(rows):
        """([(sku, quantity, unit price)], total) from the rows of one order."""
        lines, total = [], Decimal(0)
        for row in rows:
            quantity = row.quantity or Decimal(1)
            if row.amount is not None:
                amount = row.amount
                price = row.unit_price
                if price is None:
                    price = (amount / quantity).quantize(Decimal("0.0001"))
            elif row.unit_price is not None:
                price, amount = row.unit_price, quantity * row.unit_price
            else:
                reason = said(
                    gettext_noop("row %(row)d has no amount: fill its total or unit price"), row=row.number
                )
                raise _Rejected("total", reason)
            total += amount
            if row.sku:
                lines.append((row, quantity, price))
        return lines, total

    def _rate(self, currency, day):
        key = (currency, day)
        if key not in self.rates:
            self.rates[key] = exchange_rate(currency, day, self.base_currency)
        rate = self.rates[key]
        if rate is None:
            reason = gettext_noop(
                "no %(currency)s exchange rate is known for %(day)s "
                "(the base currency is %(base)s): add the rate first"
            )
            reason = said(reason, currency=currency, day=day, base=self.base_currency)
            raise _Rejected("currency", reason)
        return rate

    # -- customers

    def _with_customers(self, orders, by_number):
        """The orders whose customer is found or created, with customer_id set; the rest rejected."""
        known = self.customers
        wanted = {rows[0].customer_id for _order, rows in orders if rows[0].customer_id}
        self._load_customer_ids([value for value in wanted if f"id:{value}" not in known])
        kept = []
        for order, rows in orders:
            first = rows[0]
            try:
                order.customer_id = self._customer(first)
            except _Rejected as rejected:
                self._reject_rows(rows, by_number, rejected.field_name, rejected.reason)
                if first.order_id:
                    self.seen.reject([first.order_id])
                    self.rejected_now.add(first.number)
                continue
            kept.append((order, rows))
        return kept

    def _load_customer_ids(self, values):
        values = sorted(values)
        for start in range(0, len(values), QUERY_CHUNK):
            chunk = values[start : start + QUERY_CHUNK]
            found = ExternalId.objects.filter(source=self.source, value__in=chunk)
            self._remember_customer_ids(found.values_list("value", "customer_id", "customer__merged_into_id"))

    def _remember_customer_ids(self, found):
        """Cache (id, customer, merged into) rows; a merged customer's orders go to the survivor."""
        for value, customer_id, merged_into in found.iterator(chunk_size=10_000):
            if merged_into is not None:
                survivor, _matched_on = find_existing(external_ids=[(self.source, value)])
                customer_id = survivor.pk
            self.customers[f"id:{value}"] = customer_id

    def _customer(self, row: OrderRow):
        key = row.customer_key
        customer_id = self.customers.get(key)
        if customer_id is not None:
            return customer_id
        if row.customer_id and not (row.customer_name or row.customer_email or row.customer_phone):
            reason = gettext_noop(
                "no customer with id %(id)s from %(source)s: import the customers first, "
                "or add their name, e-mail or phone columns"
            )
            raise _Rejected("customer_external_id", said(reason, id=row.customer_id, source=self.source))
        data = CustomerData(
            display_name=row.customer_name or None,
            emails=[row.customer_email] if row.customer_email else None,
            phones=[row.customer_phone] if row.customer_phone else None,
            external_ids=[(self.source, row.customer_id)] if row.customer_id else None,
            country=self.country,
        )
        if not data.display_name:
            data.display_name = row.customer_email or row.customer_phone or row.customer_id
        try:
            with transaction.atomic():
                customer, matched_on = customer_create_or_attach(data=data, by=self.by)
        except ValidationError as error:
            about_email = any(path.startswith("emails") for path in getattr(error, "error_dict", {}))
            field_name = "customer_email" if about_email else "customer_phone"
            raise _Rejected(field_name, "; ".join(error.messages)) from None
        if matched_on is None:
            self.summary.customers_created += 1
        else:
            self.summary.customers_matched += 1
        self.customers[key] = customer.pk
        return customer.pk

    # -- products

    def _find_products(self, orders):
        wanted = {}
        for order, _rows in orders:
            for row, _quantity, _price in order.lines:
                if row.sku not in self.products:
                    wanted.setdefault(row.sku, row)
        if wanted:
            skus = sorted(wanted)
            for start in range(0, len(skus), QUERY_CHUNK):
                chunk = skus[start : start + QUERY_CHUNK]
                self.products.update(Product.objects.filter(sku__in=chunk).values_list("sku", "id"))
            missing = [sku for sku in skus if sku not in self.products]
            Product.objects.bulk_create(
                Product(sku=sku, name=wanted[sku].product_name[:200], category=wanted[sku].category)
                for sku in missing
            )
            for start in range(0, len(missing), QUERY_CHUNK):
                chunk = missing[start : start + QUERY_CHUNK]
                self.products.update(Product.objects.filter(sku__in=chunk).values_list("sku", "id"))
        for order, _rows in orders:
            order.lines = [(self.products[row.sku], quantity, price) for row, quantity, price in order.lines]

    # -- known orders

    def _split_known(self, orders):
        """(new [(order, rows)], recorded [(order, rows, (id, values))])."""
        recorded = self._recorded(
            "external_id", [order.external_id for order, _ in orders if order.external_id]
        )
        recorded |= self._recorded(
            "fingerprint", [order.fingerprint for order, _ in orders if order.fingerprint]
        )
        if not recorded:
            return orders, []
        new, existing = [], []
        for order, rows in orders:
            match = recorded.get(order.external_id or order.fingerprint)
            if match is None:
                new.append((order, rows))
            else:
                existing.append((order, rows, match))
        return new, existing

    def _update(self, order: NewOrder, rows, known):
        order_id, values = known
        lines = sorted(order.lines)
        same = _compared(order) == values
        if self.lines:
            have = OrderLine.objects.filter(order_id=order_id)
            have = sorted(have.values_list("product_id", "quantity", "unit_price"))
            same = same and have == lines
        if same:
            self.summary.count("unchanged", len(rows))
            return
        Order.objects.filter(pk=order_id).update(**dict(zip(_COMPARED, _compared(order), strict=True)))
        if self.lines:
            OrderLine.objects.filter(order_id=order_id).delete()
            OrderLine.objects.bulk_create(
                OrderLine(order_id=order_id, product_id=p, quantity=q, unit_price=u) for p, q, u in lines
            )
        self.summary.count("updated", len(rows))
        self.changed_now.append(order_id)
        self.placed_now.append(order.placed_at)

    # -- rejects

    def _column_for(self, field_name):
        return column_of(self.mapping, field_name) or ""

    def _reject(self, row: Row, problems):
        column, reason = told(problems, self._column_for, self.header)
        self.pending_rejects.append((row.number, row.values, column, reason))

    def _reject_rows(self, rows, by_number, field_name, reason):
        for order_row in rows:
            self._reject(by_number[order_row.number], [(field_name, reason)])


def _same_order(first: OrderRow, line: OrderRow):
    return (first.customer_key, first.placed_at, first.currency) == (
        line.customer_key,
        line.placed_at,
        line.currency,
    )


_COMPARED = ("customer_id", "placed_at", "status", "channel", "currency", "total", "total_base")


def _compared(order: NewOrder):
    return tuple(getattr(order, name) for name in _COMPARED)
