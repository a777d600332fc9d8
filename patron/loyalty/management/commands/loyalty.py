import json

from django.core.management.base import BaseCommand, CommandError

from patron.actors import Actor
from patron.loyalty.expiry import points_expire_all
from patron.loyalty.ledger import ledger_check


class Command(BaseCommand):
    help = (
        "patron loyalty check: check the points ledger against itself (every account against "
        "its entries, every lot against what was taken from it); exits 1 on any disagreement. "
        "patron loyalty expire: expire every point past its expiry now (as the nightly job does)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["check", "expire"])
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args, **options):
        if options["action"] == "expire":
            self._expire(options)
            return
        problems = ledger_check()
        if options["json"]:
            self.stdout.write(json.dumps({"whole": not problems, "problems": problems}))
        elif not problems:
            self.stdout.write("The points ledger is whole: every account sums its entries.")
        else:
            self.stdout.write("\n".join(problems))
        if problems:
            raise CommandError(
                f"The points ledger disagrees with itself in {len(problems)} places.", returncode=1
            )

    def _expire(self, options):
        done = points_expire_all(by=Actor.system(job="points_expire_all"))
        if options["json"]:
            self.stdout.write(json.dumps(done))
        else:
            self.stdout.write(
                f"{done['points']:,} points expired in {done['entries']:,} entries "
                f"for {done['customers']:,} customers."
            )
