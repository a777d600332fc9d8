"""`patron changepassword USERNAME` on the server (the first Admin's way back to a lost password):
Django's command, asking twice as it does, but setting the password through the accounts service,
so Django's validators check it and the change is recorded as done by the system in this command.
"""

import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands import changepassword
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from patron.accounts import people
from patron.actors import Actor

TRIES = 3


class Command(changepassword.Command):
    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", help="the user whose password to set (default: you)")

    def handle(self, *args, **options):
        username = options["username"] or getpass.getuser()
        users = get_user_model()
        user = users._default_manager.filter(**{users.USERNAME_FIELD: username}).first()
        if user is None:
            raise CommandError(f"user {username!r} does not exist")
        self.stdout.write(f"Changing password for user '{user}'")
        for _try in range(TRIES):
            password = self._get_pass()
            if password != self._get_pass("Password (again): "):
                self.stdout.write("Passwords do not match. Please try again.")
                continue
            try:
                people.password_change(user=user, password=password, by=Actor.system(job=people.COMMAND_JOB))
            except ValidationError as error:
                self.stderr.write("\n".join(error.messages))
                continue
            return f"Password changed successfully for user '{user}'"
        raise CommandError(f"Aborting password change for user '{user}' after {TRIES} attempts")
