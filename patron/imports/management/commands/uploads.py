import json

from django.core.management.base import BaseCommand

from patron.imports.retention import uploads_delete_expired
from patron.workspace.services import get_workspace


class Command(BaseCommand):
    help = (
        "patron uploads clean: delete the files uploaded on the import page longer ago than the "
        "workspace keeps them (its imports stay listed). The worker does it every hour."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["clean"])
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args, **options):
        days = get_workspace().upload_retention_days
        deleted = uploads_delete_expired()
        if options["json"]:
            self.stdout.write(json.dumps({"deleted": deleted, "retention_days": days}))
        else:
            self.stdout.write(f"Deleted {deleted} uploaded files older than {days} days.")
