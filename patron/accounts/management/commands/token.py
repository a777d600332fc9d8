import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from patron.accounts.models import ApiToken
from patron.accounts.services import token_create_for_username, token_revoke


class Command(BaseCommand):
    help = "Manage API tokens: `token create USERNAME` prints a new token once, alone on its last line."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="create a token for a user")
        create.add_argument("username")
        create.add_argument("--name", default="cli", help="what the token is for")
        revoke = actions.add_parser("revoke", help="revoke a token by its id (see `token list`)")
        revoke.add_argument("token_id", type=int)
        listing = actions.add_parser("list", help="list a user's tokens (never their secrets)")
        listing.add_argument("username")
        listing.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        if options["action"] == "create":
            try:
                token, secret = token_create_for_username(username=options["username"], name=options["name"])
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            self.stderr.write(f"Token {token.name!r} for {options['username']}; it is shown only once:")
            self.stdout.write(secret)
            return
        if options["action"] == "revoke":
            token = ApiToken.objects.select_related("user").filter(pk=options["token_id"]).first()
            if token is None:
                raise CommandError(f"No token with id {options['token_id']}.")
            token_revoke(token=token, by=token.user)
            self.stdout.write(f"Revoked token {token.pk} ({token.name}) of {token.user.get_username()}.")
            return
        tokens = ApiToken.objects.filter(user__username=options["username"])
        rows = [
            {
                "id": t.pk,
                "name": t.name,
                "prefix": t.prefix,
                "created_at": t.created_at.isoformat(),
                "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
                "revoked": t.revoked_at is not None,
            }
            for t in tokens
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows))
        else:
            for row in rows:
                self.stdout.write(f"{row['id']}\t{row['prefix']}…\t{row['name']}\trevoked={row['revoked']}")
