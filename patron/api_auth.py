"""The API's door: whose token it is, what the operation needs, and how many wrong tokens one
address may try.

Each operation names the permissions it needs in its decorator,
``@router.post("", auth=needs("customers.add_customer"))``. django-ninja runs the auth callable
before it reads the path, query or body, so a role without the right is answered 403 and learns
nothing of the input's shape (never a 422 listing the fields). The services check again.
"""

import math

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.utils import timezone
from ninja.security import HttpBearer

from patron.accounts.models import TokenFailure
from patron.accounts.permissions import permissions_load, require_perm
from patron.accounts.services import token_authenticate


class TooManyFailures(Exception):
    """The address sent too many wrong tokens lately; it may try again in `seconds`."""

    def __init__(self, seconds):
        super().__init__(seconds)
        self.seconds = seconds


def throttle_wait(address):
    """Seconds until `address` may present a token again: 0 unless it sent
    PATRON_API_FAILURE_LIMIT wrong tokens within the last PATRON_API_FAILURE_WINDOW."""
    window = settings.PATRON_API_FAILURE_WINDOW
    now = timezone.now()
    recent = TokenFailure.objects.filter(address=address, failed_at__gt=now - window)
    limit = settings.PATRON_API_FAILURE_LIMIT
    failures = list(recent.order_by("-failed_at").values_list("failed_at", flat=True)[:limit])
    if len(failures) < limit:
        return 0
    # The address may try again once it is back under the limit in the window.
    freed_at = failures[limit - 1] + window
    return max(1, math.ceil((freed_at - now).total_seconds()))


def failure_record(address):
    now = timezone.now()
    TokenFailure.objects.filter(failed_at__lte=now - settings.PATRON_API_FAILURE_WINDOW).delete()
    TokenFailure.objects.create(address=address, failed_at=now)


class BearerToken(HttpBearer):
    openapi_description = "A personal API token: `Authorization: Bearer pat_...`"

    def __init__(self, *perms):
        super().__init__()
        self.perms = perms

    def authenticate(self, request, token):
        address = get_client_ip_address(request) or ""
        wait = throttle_wait(address)
        if wait:
            raise TooManyFailures(wait)
        user = token_authenticate(token)
        if user is None:
            failure_record(address)
            return None
        request.user = user
        permissions_load(user)
        require_perm(user, *self.perms)
        return user


def needs(*perms):
    """The door of one operation: a live token whose user holds every permission in `perms`."""
    return BearerToken(*perms)
