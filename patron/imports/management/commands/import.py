import json
import sys

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from patron.imports.customers import (
    AmbiguousDates,
    FileRefused,
    ImportRefused,
    MappingProblem,
    import_customers,
)
from patron.imports.values import CALENDARS, ORDERS


class Command(BaseCommand):
    help = "Import customers (orders come next) from a CSV or XLSX export."

    def add_arguments(self, parser):
        kinds = parser.add_subparsers(dest="kind", required=True, metavar="{customers,orders}")
        customers = kinds.add_parser("customers", help="Import customers from FILE.")
        customers.add_argument("file", metavar="FILE")
        customers.add_argument(
            "--source",
            default="file",
            help="The system the file comes from; its ids and column mapping are kept per source.",
        )
        customers.add_argument("--country", type=str.upper, help="Country of rows that do not say.")
        customers.add_argument("--encoding", help="The file's text encoding, when detection is wrong.")
        customers.add_argument("--date-order", choices=ORDERS, help="How day-month dates are written.")
        customers.add_argument("--calendar", choices=CALENDARS, help="The calendar of the file's years.")
        customers.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="COLUMN=FIELD",
            help="Map a column to a field ('Mã KH=external_id'); 'COLUMN=' keeps it as an attribute.",
        )
        customers.add_argument("--rejects", help="Where to write rejected rows (default: beside FILE).")
        customers.add_argument(
            "--as", dest="as_user", metavar="USERNAME", help="Who imports (default: the first superuser)."
        )
        customers.add_argument("--json", action="store_true", help="Print one JSON object of counts.")
        orders = kinds.add_parser("orders", help="Import orders from FILE (not built yet).")
        orders.add_argument("file", metavar="FILE")

    def handle(self, *args, **options):
        if options["kind"] == "orders":
            raise CommandError("Importing orders is not built yet.")
        by = self._user(options["as_user"])
        show_progress = not options["json"] and sys.stderr.isatty()
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            disable=not show_progress,
            transient=True,
        ) as bar:
            task = bar.add_task("Customers: 0 rows", total=None)

            def progress(done):
                bar.update(task, description=f"Customers: {done:,} rows")

            try:
                summary = import_customers(
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
                )
            except (FileRefused, ImportRefused, MappingProblem, AmbiguousDates) as exc:
                raise CommandError(f"File refused: {exc}") from exc
            except PermissionDenied as exc:
                raise CommandError(f"{by.get_username()} may not import customers: {exc}") from exc
        if options["json"]:
            self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False))
            return
        counts = summary.as_dict()
        self.stdout.write(
            ", ".join(f"{counts[key]:,} {key.replace('_', ' ')}" for key in counts if key != "reject_file")
            + "."
        )
        if summary.reject_file:
            self.stdout.write(f"Rejected rows, with the reason, are in {summary.reject_file}")

    def _user(self, username):
        users = get_user_model().objects.filter(is_active=True)
        if username:
            user = users.filter(username=username).first()
            if user is None:
                raise CommandError(f"There is no active user {username!r}.")
            return user
        user = users.filter(is_superuser=True).order_by("pk").first()
        if user is None:
            raise CommandError("There is no active superuser to import as: give --as USERNAME.")
        return user
