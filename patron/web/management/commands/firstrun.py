import json
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand

from patron.accounts.roles import ADMIN
from patron.customers.models import Customer
from patron.demo.plan import DEMO
from patron.scoring.services import customers_score
from patron.workspace.services import get_workspace

DEMO_ADMIN = "admin"


class Command(BaseCommand):
    help = "First start: load the demo shop into an empty database and create the demo admin."

    def add_arguments(self, parser):
        parser.add_argument("--country", default=None, help="TH, VN, TR or PH (default: the workspace's)")
        parser.add_argument("--customers", type=int, default=2000)
        parser.add_argument("--json", action="store_true", help="print a JSON summary")

    def handle(self, *args, **options):
        summary = {"demo_loaded": False, "admin_created": False, "admin_username": DEMO_ADMIN}
        if not Customer.objects.exists():
            country = options["country"] or get_workspace().country
            if country not in {"TH", "VN", "TR", "PH"}:
                country = "TH"
            call_command("demo", country=country, customers=options["customers"], seed=1, verbosity=0)
            summary["demo_loaded"] = True
            summary["customers_scored"] = customers_score(by=DEMO).customers
        users = get_user_model()
        if not users.objects.filter(username=DEMO_ADMIN).exists():
            password = secrets.token_urlsafe(12)
            admin = users.objects.create_user(DEMO_ADMIN, password=password, is_staff=True, is_superuser=True)
            admin.groups.add(Group.objects.get(name=ADMIN))
            summary["admin_created"] = True
            summary["admin_password"] = password
        if options["json"]:
            self.stdout.write(json.dumps(summary))
            return
        if summary["demo_loaded"]:
            self.stdout.write(f"Loaded the demo shop and scored {summary['customers_scored']:,} customers.")
        if summary["admin_created"]:
            self.stdout.write(
                f"Demo admin: username {DEMO_ADMIN}, password {summary['admin_password']} "
                "(shown this once; change it under your settings, Change your password, "
                f"or on the server with: patron changepassword {DEMO_ADMIN})."
            )
        else:
            self.stdout.write(f"Demo admin {DEMO_ADMIN} exists already; its password is not shown again.")
