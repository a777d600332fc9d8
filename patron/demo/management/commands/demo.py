import json
import sys

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from patron.demo.generator import MAX_CUSTOMERS, DemoError, generate_shop
from patron.demo.shops import SHOPS


class Command(BaseCommand):
    help = (
        "Fill the database with a believable demo shop in Thailand, Vietnam, Turkey or the "
        "Philippines: customers, two years of orders, contact history, consents, partners and a "
        "loyalty programme with two years of points."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--country",
            required=True,
            type=str.upper,
            help=f"Where the shop is: {', '.join(sorted(SHOPS))}.",
        )
        parser.add_argument(
            "--customers", type=int, default=1000, help=f"How many customers, 1 to {MAX_CUSTOMERS:,}."
        )
        parser.add_argument("--seed", type=int, default=1, help="The same seed makes the same shop.")
        parser.add_argument(
            "--add", action="store_true", help="Add to a database that already holds customers."
        )
        parser.add_argument(
            "--json", action="store_true", help="Print one JSON object of counts instead of a summary."
        )

    def handle(self, *args, **options):
        country, customers = options["country"], options["customers"]
        show_progress = not options["json"] and sys.stderr.isatty()
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            disable=not show_progress,
            transient=True,
        ) as bar:
            task = bar.add_task("Customers", total=customers)

            def progress(description, done, total):
                bar.update(task, description=description, completed=done, total=total)

            try:
                counts = generate_shop(
                    country, customers, options["seed"], add=options["add"], progress=progress
                )
            except DemoError as exc:
                raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(counts))
        else:
            self.stdout.write(
                f"Made a demo shop in {country} (seed {options['seed']}) in {counts['seconds']} s: "
                + ", ".join(f"{counts[key]:,} {key.replace('_', ' ')}" for key in counts if key != "seconds")
                + "."
            )
