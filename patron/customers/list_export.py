"""The customer list as a file: every customer a filter matches, as CSV or XLSX.

Rows are read by id in batches of BATCH, so a million customers never sit in memory: a CSV is
streamed as it is written; an XLSX, which is a zip that cannot be sent before it is finished,
is written by openpyxl's write-only workbook into a temporary file on disk, then sent, and is
refused above XLSX_MAX_ROWS customers (export those as CSV, or narrow the filter). Every cell
is neutralised as the reject files' are (patron.imports.rejects: one that begins with = + - @,
a tab or a carriage return is written after a single quote), so no spreadsheet runs a formula
from a customer's name. Each export is recorded as a ListAction with its filter, its format
and, once written, how many customers it holds.
"""

import csv
import io
import tempfile

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from patron.accounts.permissions import require
from patron.customers.audit import list_action_record
from patron.customers.counting import count_matches
from patron.customers.models import ContactKind, ContactPoint, Customer, ListAction
from patron.customers.selectors import customer_matches
from patron.imports.rejects import BOM, neutralised

EXPORT_LIST = "customers.export_list"
FORMATS = ("csv", "xlsx")
BATCH = 2000
XLSX_MAX_ROWS = 100_000
HEADER = (
    "id",
    "display_name",
    "given_name",
    "family_name",
    "email",
    "phone",
    "country",
    "language",
    "birthday",
    "gender",
    "tags",
    "owner",
    "created_at",
)
FIELDS = (
    "pk",
    "display_name",
    "given_name",
    "family_name",
    "country",
    "locale",
    "birthday",
    "gender",
    "created_at",
)


def list_export(*, selection, file_format, by):
    """(ListAction, rows): the export asked for, recorded, and an iterator of its rows (the
    header first, every cell a neutralised string) that marks the action done at its end."""
    require(by, EXPORT_LIST)
    if file_format not in FORMATS:
        raise ValidationError(
            {"format": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(FORMATS)}]}
        )
    customers = customer_matches(selection)
    if file_format == "xlsx" and count_matches(customers, exact_up_to=XLSX_MAX_ROWS).value > XLSX_MAX_ROWS:
        raise ValidationError(
            _("An XLSX file holds at most %(count)s customers: export these as CSV, or narrow the filter.")
            % {"count": number_format(XLSX_MAX_ROWS, force_grouping=True)}
        )
    action = list_action_record(
        actor=by, kind=ListAction.Kind.EXPORT, filters=selection.to_json(), value=file_format
    )
    return action, _recorded(action, _rows(customers))


def _recorded(action, rows):
    written = -1  # the header is not a customer
    try:
        for row in rows:
            written += 1
            yield row
    except BaseException:
        ListAction.objects.filter(pk=action.pk).update(
            status=ListAction.Status.FAILED, matched=max(written, 0), finished_at=timezone.now()
        )
        raise
    ListAction.objects.filter(pk=action.pk).update(
        status=ListAction.Status.DONE, matched=written, finished_at=timezone.now()
    )


def _cell(value):
    if value is None:
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return neutralised(text)


def _rows(customers):
    yield [_cell(name) for name in HEADER]
    owner = f"owner__{get_user_model().USERNAME_FIELD}"
    last = 0
    while True:
        batch = list(customers.filter(pk__gt=last).order_by("pk").values_list(*FIELDS, owner)[:BATCH])
        if not batch:
            return
        ids = [row[0] for row in batch]
        emails, phones = _first_points(ids)
        tags = _tags(ids)
        for pk, display, given, family, country, locale, birthday, gender, created, owned in batch:
            values = [pk, display, given, family, emails.get(pk), phones.get(pk), country, locale]
            values += [birthday, gender, ", ".join(tags.get(pk, ())), owned, created]
            yield [_cell(value) for value in values]
        last = ids[-1]


def _first_points(ids):
    emails, phones = {}, {}
    rows = ContactPoint.objects.filter(
        customer_id__in=ids, kind__in=[ContactKind.EMAIL, ContactKind.PHONE]
    ).order_by("customer_id", "kind", "-is_primary", "id")
    for pk, kind, value, normalised in rows.values_list("customer_id", "kind", "value", "normalised"):
        if kind == ContactKind.EMAIL:
            emails.setdefault(pk, value)
        else:
            phones.setdefault(pk, normalised)
    return emails, phones


def _tags(ids):
    tags = {}
    links = Customer.tags.through.objects.filter(customer_id__in=ids).order_by("tag__name")
    for pk, name in links.values_list("customer_id", "tag__name"):
        tags.setdefault(pk, []).append(name)
    return tags


class _Line(io.StringIO):
    """Where csv.writer writes one row, to be taken back as text."""

    def take(self):
        text = self.getvalue()
        self.seek(0)
        self.truncate()
        return text


def csv_chunks(rows):
    """The rows as CSV text, UTF-8 with a BOM (Excel opens it so), a chunk per BATCH rows."""
    line = _Line()
    writer = csv.writer(line)
    yield BOM.encode()
    for count, row in enumerate(rows, start=1):
        writer.writerow(row)
        if count % BATCH == 0:
            yield line.take().encode()
    yield line.take().encode()


def xlsx_file(rows):
    """The rows as an XLSX workbook in a temporary file (deleted when closed), at its start.
    Characters XML cannot hold (control characters) become U+FFFD, so that a cell shows where
    one was rather than losing it silently."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Customers"))
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("\ufffd", cell) for cell in row])
    file = tempfile.TemporaryFile()  # noqa: SIM115 (the response that sends it closes it)
    workbook.save(file)
    file.seek(0)
    return file
