"""Who a command-line action is done as: `--as USERNAME`, else the first superuser."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def acting_user(username, *, doing):
    """The active user named, or the first active superuser; ``doing`` ("import") for the message."""
    users = get_user_model().objects.filter(is_active=True)
    if username:
        user = users.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no active user {username!r}.")
        return user
    user = users.filter(is_superuser=True).order_by("pk").first()
    if user is None:
        raise CommandError(f"There is no active superuser to {doing} as: give --as USERNAME.")
    return user
