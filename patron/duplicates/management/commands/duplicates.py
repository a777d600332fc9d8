import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from patron.accounts.commands import acting_user
from patron.duplicates.scanning import DEFAULT_MIN_SCORE, duplicates_scan
from patron.duplicates.selectors import EVIDENCE_LABELS, open_pairs, pair_customer


class Command(BaseCommand):
    help = "Find customers who are probably the same person: `duplicates find [--min-score X] [--json]`."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{find}")
        find = actions.add_parser(
            "find", help="Look for possible duplicates, store them for review and print the open pairs."
        )
        find.add_argument(
            "--min-score",
            type=float,
            default=DEFAULT_MIN_SCORE,
            metavar="X",
            help=f"Propose pairs scoring at least X, from 0 to 1 (default {DEFAULT_MIN_SCORE}).",
        )
        find.add_argument(
            "--as", dest="as_user", metavar="USERNAME", help="Who looks (default: the first superuser)."
        )
        find.add_argument(
            "--json",
            action="store_true",
            help="Print one JSON list: per pair both customers' ids, names and external ids, "
            "the score and the evidence.",
        )

    def handle(self, *args, **options):
        by = acting_user(options["as_user"], doing="look")
        try:
            duplicates_scan(by=by, min_score=options["min_score"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except PermissionDenied as exc:
            raise CommandError(f"{by.get_username()} may not look for duplicates: {exc}") from exc
        pairs = [
            {
                "pair": pair.pk,
                "left": pair_customer(pair.left),
                "right": pair_customer(pair.right),
                "score": float(pair.score),
                "evidence": pair.evidence,
            }
            for pair in open_pairs(min_score=options["min_score"])
        ]
        if options["json"]:
            self.stdout.write(json.dumps(pairs, ensure_ascii=False))
            return
        self._print_table(pairs)

    def _print_table(self, pairs):
        table = Table("Score", "Customer", "Possibly the same as", "Evidence", title="Possible duplicates")
        for pair in pairs:
            table.add_row(
                f"{pair['score']:.0%}",
                self._describe(pair["left"]),
                self._describe(pair["right"]),
                ", ".join(
                    f"{EVIDENCE_LABELS.get(signal, signal)} {share:.0%}"
                    for signal, share in sorted(pair["evidence"].items(), key=lambda item: -item[1])
                ),
            )
        console = Console(file=self.stdout, width=140)
        console.print(table)
        console.print(f"{len(pairs)} open pairs. Review them at /duplicates/.")

    @staticmethod
    def _describe(customer):
        ids = ", ".join(f"{x['source']}:{x['value']}" for x in customer["external_ids"])
        return f"#{customer['id']} {customer['display_name']}" + (f"\n{ids}" if ids else "")
