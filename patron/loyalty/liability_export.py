"""The liability figures as a file for the finance team: CSV or XLSX.

The figures are those the loyalty page shows, as kept (liability_snapshot), and the file says
when they were computed (``as_of``). Three tables: the liability (one figure a row), the points
of each of the last MONTHS months, and the redemption rates by tier and by RFM segment. Column
and figure names are fixed English keys, as in the customer list's export, so that a
spreadsheet built on the file keeps working whatever language the exporter reads. Numbers are
written as numbers (a minus sign before digits runs nothing), amounts to the currency's minor
unit, half up. Every text cell (a tier's name is typed by staff) is neutralised as the customer
list's export does (patron.imports.rejects). Each export is recorded as a LiabilityExport: who,
when, which format and the figures' time.
"""

import csv
import io
import tempfile
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import get_currency_precision
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from patron.accounts.permissions import require
from patron.actors import as_actor
from patron.imports.rejects import BOM, neutralised
from patron.loyalty import liability_snapshot
from patron.loyalty.models import LiabilityExport
from patron.workspace.services import get_workspace

EXPORT_LIABILITY = "loyalty.export_liability"
FORMATS = ("csv", "xlsx")
MONTH_HEADER = ("month", "earned", "redeemed", "expired", "taken_back", "adjusted")
RATE_HEADER = ("group", "key", "name", "customers", "earned", "redeemed", "redemption_rate")


def liability_export(*, file_format, by):
    """{table: rows} of the figures kept, recorded as exported by ``by``; the rows of each
    table are lists of cells, a header first. Refused while the figures are worked out for the
    first time."""
    require(by, EXPORT_LIABILITY)
    if file_format not in FORMATS:
        raise ValidationError(
            {"format": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(FORMATS)}]}
        )
    figures = liability_snapshot.kept(get_workspace()).figures
    if figures is None:
        raise ValidationError(
            _("The figures are being worked out for the first time: export them in a minute.")
        )
    actor = as_actor(by)
    LiabilityExport.objects.create(
        file_format=file_format,
        months=len(figures.months),
        figures_as_of=figures.as_of,
        actor=actor.user,
        actor_kind=actor.kind,
        actor_job=actor.job,
    )
    return liability_tables(figures)


def liability_tables(figures):
    """The tables of ``figures`` (liability.Figures)."""
    points, estimate, currency = figures.points, figures.breakage, figures.currency
    summary = [
        ["figure", "value"],
        ["as_of", figures.as_of.isoformat()],
        ["currency", currency],
        ["point_value", points.point_value],
        ["points_available", points.available],
        ["points_pending", points.pending],
        ["points_due_to_expire", points.due],
        ["points_outstanding", points.total],
        ["liability", _money(points.value, currency)],
        ["breakage_rate", estimate.rate],
        ["breakage_redeemed_points", estimate.redeemed],
        ["breakage_expired_points", estimate.expired],
        ["breakage_lots_recorded_before", estimate.cutoff.isoformat()],
        ["liability_net_of_breakage", _money(figures.net, currency)],
    ]
    months = [list(MONTH_HEADER)]
    for row in figures.months:
        months.append(
            [row.month.isoformat(), row.earned, row.redeemed, row.expired, row.taken_back, row.adjusted]
        )
    rates = [list(RATE_HEADER)]
    for group, rows in (("tier", figures.tiers), ("segment", figures.segments)):
        for rate in rows:
            rates.append([group, rate.key, rate.name, rate.customers, rate.earned, rate.redeemed, rate.rate])
    return {"liability": _cells(summary), "months": _cells(months), "redemption": _cells(rates)}


def _money(amount, currency):
    """``amount`` to the currency's minor unit (2 digits for THB, none for VND), half up."""
    if amount is None:
        return None
    return amount.quantize(Decimal(1).scaleb(-get_currency_precision(currency)), ROUND_HALF_UP)


def _cells(rows):
    return [[_cell(value) for value in row] for row in rows]


def _cell(value):
    """A number stays a number; None is an empty cell; text is neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise TypeError(value)
    if isinstance(value, (int, Decimal)):
        return value
    return neutralised(str(value))


def csv_bytes(tables):
    """The tables one after the other, a blank line between them, UTF-8 with a BOM."""
    text = io.StringIO()
    writer = csv.writer(text)
    for i, rows in enumerate(tables.values()):
        if i:
            writer.writerow([])
        writer.writerows([[str(cell) for cell in row] for row in rows])
    return (BOM + text.getvalue()).encode()


def xlsx_file(tables):
    """The tables as an XLSX workbook, a sheet each, in a temporary file at its start."""
    titles = {"liability": _("Liability"), "months": _("Per month"), "redemption": _("Redemption")}
    workbook = Workbook(write_only=True)
    for name, rows in tables.items():
        sheet = workbook.create_sheet(titles[name])
        for row in rows:
            sheet.append([ILLEGAL_CHARACTERS_RE.sub("\ufffd", c) if isinstance(c, str) else c for c in row])
    file = tempfile.TemporaryFile()  # noqa: SIM115 (the response that sends it closes it)
    workbook.save(file)
    file.seek(0)
    return file
