"""Before an orders file is imported: which rows the import would reject, and why.

The rows are read as the import reads them (:meth:`OrderRowReader.read_fields`, the mapping and
dates as the page chose them), and the customers they name are looked for as the import looks
for them: a customer id of the file's source must be known already unless the row also gives
the customer's name, e-mail or phone (then the customer is found or created, and a bad e-mail or
phone rejects the row). A row in a currency without an exchange rate for its day is counted too.

One streaming pass, stopped after ``CHECK_SECONDS``: the check says whether it read every row
("checked all 120,000 rows") or the first ones ("checked the first 80,000 rows"). Customer ids
are looked up ``QUERY_CHUNK`` at a time. What it finds is kept on the run's preview, with the
choices it was made for, so that starting the import with the same choices does not check again.
"""

import contextlib
import itertools
import time

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_noop

from patron.customers.identity import is_email_address
from patron.customers.models import ExternalId
from patron.customers.phones import normalise_phone
from patron.imports.headers import MappingProblem
from patron.imports.mapping import column_of, data_columns, date_reader_for, mapping_for
from patron.imports.messages import as_json, on_the_web, said
from patron.imports.order_columns import PlainOrderReader
from patron.imports.orders import (
    LINE_FIELDS,
    PRELOAD_LIMIT,
    QUERY_CHUNK,
    check_mapping,
    reading_mapping,
    row_reader,
)
from patron.imports.reading import open_table
from patron.imports.summary import ImportRefused
from patron.imports.values import AmbiguousDates
from patron.sales.rules import exchange_rate, rate_day
from patron.workspace.clock import business_zone
from patron.workspace.services import get_workspace

CHECK_SECONDS = 5
BATCH = 20_000
"""Rows read at a time, as the import reads them."""
EXAMPLES = 3
"""Rows given as examples of each reason."""
UNKNOWN_CUSTOMER = "unknown_customer"
NO_RATE = "no_rate"


def choices_key(mapping, date_order, calendar):
    """What a check was made for: the page's choices (a column left without a field is left out)."""
    mapping = {column: field for column, field in sorted(mapping.items()) if field}
    return {"mapping": mapping, "date_order": date_order or "", "calendar": calendar or ""}


def precheck(run, *, mapping, date_order="", calendar="", seconds=CHECK_SECONDS):
    """What importing ``run``'s orders file with these choices would reject, as a dict for the page:
    ``rows`` checked, ``all`` (every row was), ``rejected`` rows, ``reasons`` [{code, column,
    count, examples [[row, reason]]}] most frequent first, or ``refused`` (the message, as
    stored) when the import would refuse the file; and ``key``, the choices it was made for."""
    key = choices_key(mapping, date_order, calendar)
    with on_the_web():
        try:
            checked = _check(run, mapping, date_order, calendar, time.monotonic() + seconds)
        except (ImportRefused, MappingProblem, AmbiguousDates) as refusal:
            message = refusal.message if hasattr(refusal, "message") else refusal.args[0]
            return {"key": key, "refused": as_json(message) or {"text": str(message)}}
    return {"key": key, **checked}


def _check(run, chosen, date_order, calendar, deadline):
    workspace = get_workspace()
    country = run.options.get("country") or ""
    overrides = [f"{column}={field}" for column, field in chosen.items()]
    with open_table(run.stored_path, encoding=run.options.get("encoding") or None) as table:
        columns = data_columns(table.header)
        mapping = mapping_for("orders", run.source, columns, overrides)
        check_mapping(mapping)
        lines = bool(set(mapping.values()) & LINE_FIELDS)
        reading = reading_mapping(mapping, lines=lines)
        zone = business_zone(workspace)
        dates = date_reader_for(
            table, reading, "placed_at", order=date_order or None, calendar=calendar or None, zone=zone
        )
        reader = row_reader(dates, country, workspace)
        fields = [(table.header.index(column), field) for column, field in reading.items()]
        checker = _Checker(run.source, reader, workspace, country or workspace.country, _Tally(reading))
        plain = None
        if not set(reading.values()) & {"customer_name", "customer_email", "customer_phone"}:
            plain = PlainOrderReader.for_file(
                index={field: index for index, field in fields},
                lines=lines,
                calendar=dates.calendar,
                currency=reader.currency,
                base_currency=workspace.currency,
                zone=zone,
                now=reader.now,
            )
        rows, finished = 0, True
        for batch in _batches(table):
            if time.monotonic() > deadline:
                finished = False
                break
            rows += len(batch)
            rest = batch
            if plain is not None:
                # The rows the import's fast path takes are read as it reads them: known good,
                # their customer named by id alone.
                taken = plain.split(batch)
                rest = taken.rest
                numbers = taken.frame["number"].to_list()
                checker.by_id(zip(taken.frame["customer"].to_list(), numbers, strict=True))
            for row in rest:
                checker.row(row.number, {field: row.values[index] for index, field in fields})
        checker.settle()
    return {"rows": rows, "all": finished, **checker.tally.result()}


def _batches(table):
    """The table's rows, BATCH at a time (a check stops between two batches)."""
    with contextlib.closing(table.rows()) as rows:
        while batch := list(itertools.islice(rows, BATCH)):
            yield batch


class _Checker:
    """Counts the rows the import would reject: unreadable, without an exchange rate, or naming a
    customer by an id the source does not know (or by a bad e-mail or phone)."""

    def __init__(self, source, reader, workspace, region, tally):
        self.source = source
        self.reader = reader
        self.workspace = workspace
        self.region = region
        self.tally = tally
        self.rates = {}
        self.waiting = {}  # customer id -> rows naming the customer by that id alone
        ids = ExternalId.objects.filter(source=source)
        # Every id of the source at once when they are not too many, as the import does.
        self.known = set(ids.values_list("value", flat=True)) if ids.count() <= PRELOAD_LIMIT else None

    def row(self, number, cells):
        values, problems = self.reader.read_fields(cells)
        if problems:
            reason = problems[0][1]
            for _field, more in problems[1:]:
                reason = said(gettext_noop("%(reason)s; %(more)s"), reason=reason, more=more)
            self.tally.add(problems[0][0], number, reason)
            return
        if not self._rate_known(number, values):
            return
        problem = _customer_problem(values, self.region)
        if problem:
            self.tally.add(problem[0], number, problem[1])
        elif values["customer_id"] and not (
            values["customer_name"] or values["customer_email"] or values["customer_phone"]
        ):
            self.by_id([(values["customer_id"], number)])

    def _rate_known(self, number, values):
        currency, base = values["currency"], self.workspace.currency
        if currency == base:
            return True
        day = rate_day(values["placed_at"], self.workspace)
        if (currency, day) not in self.rates:
            self.rates[currency, day] = exchange_rate(currency, day, base)
        if self.rates[currency, day] is not None:
            return True
        reason = gettext_noop(
            "no %(currency)s exchange rate is known for %(day)s "
            "(the base currency is %(base)s): add the rate first"
        )
        self.tally.add(NO_RATE, number, said(reason, currency=currency, day=day, base=base))
        return False

    def by_id(self, named):
        """Rows naming their customer by id alone: [(id, row number)]."""
        known = self.known
        for value, number in named:
            if known is None or value not in known:
                self.waiting.setdefault(value, []).append(number)
        if len(self.waiting) >= QUERY_CHUNK:
            self.settle()

    def settle(self):
        """Count the waiting rows whose customer id the source does not know."""
        if not self.waiting:
            return
        found = set()
        if self.known is None:
            ids = ExternalId.objects.filter(source=self.source, value__in=list(self.waiting))
            found = set(ids.values_list("value", flat=True))
        for value, numbers in self.waiting.items():
            if value in found:
                continue
            reason = gettext_noop(
                "no customer with id %(id)s from %(source)s: import the customers first, "
                "or add their name, e-mail or phone columns"
            )
            reason = said(reason, id=value, source=self.source)
            for number in numbers:
                self.tally.add(UNKNOWN_CUSTOMER, number, reason)
        self.waiting = {}


def _customer_problem(values, region):
    """(field, reason) when the customer the row gives would be refused by the customer rules."""
    email = values["customer_email"]
    if email and not is_email_address(email):
        return "customer_email", said(gettext_noop("'%(value)s' is not a valid e-mail address"), value=email)
    phone = values["customer_phone"]
    if phone:
        try:
            normalise_phone(phone, region)
        except ValidationError as error:
            return "customer_phone", "; ".join(error.messages)
    return None


class _Tally:
    """Rejected rows counted per reason (a field of the file, or a code), with a few examples."""

    def __init__(self, reading):
        self.reading = reading
        self.reasons = {}

    def add(self, code, number, reason):
        entry = self.reasons.setdefault(code, {"count": 0, "examples": []})
        entry["count"] += 1
        if len(entry["examples"]) < EXAMPLES:
            # The reason as worded for whoever checked, and its message ids for each reader.
            entry["examples"].append([number, str(reason), as_json(reason)])

    def result(self):
        reasons = [
            {"code": code, "column": column_of(self.reading, code) or "", **entry}
            for code, entry in self.reasons.items()
        ]
        reasons.sort(key=lambda reason: (-reason["count"], min(example[0] for example in reason["examples"])))
        for reason in reasons:
            reason["examples"].sort(key=lambda example: example[0])
        return {"rejected": sum(reason["count"] for reason in reasons), "reasons": reasons}
