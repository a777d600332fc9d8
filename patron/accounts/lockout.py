"""Log-in lockout on django-axes: per user name from one address, and per address whatever the
user names, with the page saying how long the wait is.

axes counts failures per combination of its lockout parameters against one limit. Patron keeps
axes' own combination (a user name from an address, AXES_FAILURE_LIMIT) and adds the address as a
whole with a limit of its own (PATRON_LOGIN_ADDRESS_FAILURE_LIMIT), so that one address trying a
few passwords on many user names is stopped too, while a shop's staff behind one router do not
lock each other out after a handful of typos.
"""

import math

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address, get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.shortcuts import render
from django.utils import timezone


def _freed_at(attempts, limit):
    """When the failures in `attempts` drop under `limit` as they age out, or None if they are under it."""
    total = 0
    for failures, at in attempts.order_by("-attempt_time").values_list(
        "failures_since_start", "attempt_time"
    ):
        total += failures
        if total >= limit:
            return at + settings.AXES_COOLOFF_TIME
    return None


def _attempts(request, credentials):
    address = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
    recent = AccessAttempt.objects.filter(
        ip_address=address, attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME
    )
    return recent.filter(username=get_client_username(request, credentials)), recent


def lockout_ends(request, credentials=None):
    """When the address (or this user name from it) may log in again; None if it may now."""
    by_name, by_address = _attempts(request, credentials)
    ends = [
        _freed_at(by_name, settings.AXES_FAILURE_LIMIT),
        _freed_at(by_address, settings.PATRON_LOGIN_ADDRESS_FAILURE_LIMIT),
    ]
    return max((end for end in ends if end is not None), default=None)


class LockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None):
        """The failures axes holds against AXES_FAILURE_LIMIT: this user name's from this address,
        or the whole limit once the address has failed its own limit across user names."""
        by_name, by_address = _attempts(request, credentials)
        failures = sum(by_name.values_list("failures_since_start", flat=True))
        if sum(by_address.values_list("failures_since_start", flat=True)) >= (
            settings.PATRON_LOGIN_ADDRESS_FAILURE_LIMIT
        ):
            return max(failures, settings.AXES_FAILURE_LIMIT)
        return failures


def locked_out(request, original_response=None, credentials=None):
    """The lockout page (429), saying in minutes how long until the address may try again."""
    ends = lockout_ends(request, credentials) or timezone.now() + settings.AXES_COOLOFF_TIME
    seconds = max(1, math.ceil((ends - timezone.now()).total_seconds()))
    response = render(
        request, "registration/locked_out.html", {"minutes": math.ceil(seconds / 60)}, status=429
    )
    response["Retry-After"] = str(seconds)
    return response
