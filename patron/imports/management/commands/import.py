import contextlib
import json
import signal
import sys

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)

from patron.accounts.commands import acting_user
from patron.imports.runs import IMPORTERS, REFUSALS
from patron.imports.values import CALENDARS, ORDERS


class Command(BaseCommand):
    help = "Import customers or orders from a CSV or XLSX export."

    def add_arguments(self, parser):
        kinds = parser.add_subparsers(dest="kind", required=True, metavar="{customers,orders}")
        for kind in IMPORTERS:
            self._add_options(kinds.add_parser(kind, help=f"Import {kind} from FILE."))

    @staticmethod
    def _add_options(parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument(
            "--source",
            default="file",
            help="The system the file comes from; its ids and column mapping are kept per source.",
        )
        parser.add_argument(
            "--country",
            type=str.upper,
            help="The file's country: region of local phone numbers and default currency.",
        )
        parser.add_argument("--encoding", help="The file's text encoding, when detection is wrong.")
        parser.add_argument("--date-order", choices=ORDERS, help="How day-month dates are written.")
        parser.add_argument("--calendar", choices=CALENDARS, help="The calendar of the file's years.")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="COLUMN=FIELD",
            help="Map a column to a field ('Mã KH=external_id'); 'COLUMN=' maps it to none (a customer "
            "file keeps it as an attribute, an order file does not import it).",
        )
        parser.add_argument("--rejects", help="Where to write rejected rows (default: beside FILE).")
        parser.add_argument(
            "--as", dest="as_user", metavar="USERNAME", help="Who imports (default: the first superuser)."
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            metavar="ROWS",
            help="Rows written per transaction (default: 500 customers, 20,000 orders).",
        )
        parser.add_argument("--json", action="store_true", help="Print one JSON object of counts.")

    def handle(self, *args, **options):
        kind = options["kind"]
        if options["batch_size"] is not None and options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        by = acting_user(options["as_user"], doing="import")
        show_progress = not options["json"] and sys.stderr.isatty()
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[speed]}"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            disable=not show_progress,
            transient=True,
        ) as bar:
            task = bar.add_task(kind.capitalize(), total=None, speed="")
            stop, stopped = _Stop(), None

            def progress(done, estimate):
                stop.committed = done
                stop.after_batch()
                speed = bar.tasks[task].speed
                rate = f"{speed:,.0f} rows/s" if speed else ""
                bar.update(task, completed=done, total=estimate, speed=rate)

            sizing = {"batch_size": options["batch_size"]} if options["batch_size"] else {}
            try:
                with stop.on_signals():
                    summary = IMPORTERS[kind](
                        options["file"],
                        by=by,
                        source=options["source"],
                        country=options["country"],
                        encoding=options["encoding"],
                        date_order=options["date_order"],
                        calendar=options["calendar"],
                        overrides=options["map"],
                        rejects_path=options["rejects"],
                        progress=progress,
                        **sizing,
                    )
            except Stopped as signalled:
                stopped = signalled
            except KeyboardInterrupt:
                # Polars catches Ctrl-C itself while it computes and raises this at once: the
                # batch being written is rolled back, as after a second Ctrl-C.
                stopped = Stopped(signal.SIGINT)
            except REFUSALS as exc:
                raise CommandError(f"File refused: {exc}") from exc
            except PermissionDenied as exc:
                raise CommandError(f"{by.get_username()} may not import {kind}: {exc}") from exc
        if stopped is not None:
            # The conventional status of a process ended by a signal: 130 for SIGINT, 143 for SIGTERM.
            self.stderr.write(stopped.sentence(stop.committed))
            sys.exit(128 + stopped.signum)
        if options["json"]:
            self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False))
            return
        counts = {
            key: value
            for key, value in summary.as_dict().items()
            if isinstance(value, int) and not isinstance(value, bool)
        }
        self.stdout.write(
            ", ".join(f"{value:,} {key.replace('_', ' ')}" for key, value in counts.items()) + "."
        )
        if kind == "orders":
            for line in _order_columns(summary):
                self.stdout.write(line)
        if summary.reject_file:
            self.stdout.write(f"Rejected rows, with the reason, are in {summary.reject_file}")


class Stopped(BaseException):
    """Raised to end an import on SIGINT or SIGTERM (a BaseException, as KeyboardInterrupt is, so
    that no ``except Exception`` on the way takes it for an error of the file)."""

    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum

    def sentence(self, committed):
        return ngettext(
            "Stopped: the first %(rows)s row of the file is imported, in whole batches; run the "
            "same command again to import the rest.",
            "Stopped: the first %(rows)s rows of the file are imported, in whole batches; run the "
            "same command again to import the rest.",
            committed,
        ) % {"rows": number_format(committed, force_grouping=True)}


class _Stop:
    """Ctrl-C (SIGINT) or SIGTERM ends the import once the batch being written is committed; a
    second one ends it at once, the batch being written rolled back with its transaction.

    SIGINT is left alone where it is ignored: a shell starts a background job (`&`, no job
    control) ignoring it, and such a job is stopped with SIGTERM.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self):
        self.signum = None
        self.committed = 0

    def _handle(self, signum, _frame):
        if self.signum is not None:
            raise Stopped(signum)
        self.signum = signum

    def after_batch(self):
        if self.signum is not None:
            raise Stopped(self.signum)

    @contextlib.contextmanager
    def on_signals(self):
        before = {signum: signal.getsignal(signum) for signum in self.SIGNALS}
        ignored = {signum for signum, handler in before.items() if handler is signal.SIG_IGN}
        for signum in before.keys() - ignored:
            signal.signal(signum, self._handle)
        # An ignored Ctrl-C is also blocked, by `patron` itself before any thread starts.
        try:
            yield
        finally:
            for signum, handler in before.items():
                signal.signal(signum, handler)


def _order_columns(summary):
    """What an order import did with the file's columns, in sentences."""
    column = summary.order_number_column
    if column is None:
        yield _(
            "No column holds order numbers: each row was imported as an order of its own, known by "
            "its customer, time, amount and status."
        )
    elif summary.order_number_found:
        yield _(
            "No column's header names the order number: the column “%(column)s” was read as the "
            "order number, its values being one document number per order."
        ) % {"column": column}
    for name, fields in summary.ambiguous_columns.items():
        message = _(
            "The column “%(column)s” could be %(fields)s, so it was not imported: name its field "
            'with --map "%(column)s=FIELD".'
        )
        yield message % {"column": name, "fields": " / ".join(fields)}
    if summary.ignored_columns:
        yield _("Columns not imported: %(columns)s.") % {"columns": ", ".join(summary.ignored_columns)}
