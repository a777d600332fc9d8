"""`patron score`: score every customer from the database now."""

import json

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from patron.accounts.commands import acting_user
from patron.scoring.services import STAGES, ScoringBusy, customers_score

LABELS = {
    "read": "Reading orders",
    "summarise": "Summarising customers",
    "fit": "Fitting the models",
    "predict": "Predicting",
    "write": "Storing scores",
    "check": "Checking the model against the holdout",
}


class Command(BaseCommand):
    help = "Score every customer: RFM and segment, P(alive), expected purchases, CLV and value decile."

    def add_arguments(self, parser):
        parser.add_argument(
            "--as", dest="username", help="Score as this user (default: the first superuser)."
        )
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help="Print a JSON report for scripts."
        )

    def handle(self, *args, username=None, as_json=False, **options):
        by = acting_user(username, doing="score")
        try:
            run = customers_score(by=by) if as_json else self._with_progress(by)
        except PermissionDenied as error:
            raise CommandError(f"{by.username} may not score customers: {error}") from error
        except ScoringBusy as busy:
            raise CommandError(busy.message) from busy
        report = {
            "customers": run.customers,
            "orders": run.orders,
            "seconds": round(run.seconds, 2),
            "models": run.fitted,
            "note": run.note,
        }
        if as_json:
            self.stdout.write(json.dumps(report, indent=2))
            return
        self.stdout.write(
            f"Scored {run.customers:,} customers from {run.orders:,} orders in {run.seconds:.1f} s."
        )
        for role, fitted in run.fitted.items():
            params = ", ".join(f"{k}={v:.4g}" for k, v in fitted["params"].items())
            self.stdout.write(f"  {role}: {fitted['model']} {params}")
            if fitted.get("excluded_zero_spend"):
                self.stdout.write(
                    f"  left out of the {role} fit: {fitted['excluded_zero_spend']:,} repeat buyers "
                    "whose repeat purchases were all free (expected spend: the model's for a spend of 0)"
                )
        if run.note:
            self.stdout.write(self.style.WARNING(run.note))

    def _with_progress(self, by):
        columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
        with Progress(*columns, transient=True) as progress:
            task = progress.add_task(LABELS[STAGES[0]], total=len(STAGES))

            def step(stage):
                progress.update(task, description=LABELS[stage], completed=STAGES.index(stage))

            return customers_score(by=by, progress=step)
