"""A throttle kept in the database: at most ``limit`` requests per key within a sliding window,
counted the same by every server process, and never more than the limit even when requests
arrive side by side.

A request first writes its row (committed at once: callers run outside a transaction), then
counts the rows of its key in the window, and goes ahead only if it is within the limit;
otherwise it takes its row back. Of the requests let through, the one that counted last saw
every other's row, each written before its own count, so no more than ``limit`` go through. A
refused request leaves nothing behind, so a flood does not prolong the wait.
"""

from django.utils import timezone

from patron.accounts.models import ThrottleHit


def admit(scope, key, *, limit, window):
    """True, and the request counted, if ``key`` made fewer than ``limit`` counted requests in
    ``scope`` within the last ``window`` (a timedelta); False, and nothing kept, otherwise."""
    now = timezone.now()
    ThrottleHit.objects.filter(scope=scope, at__lte=now - window).delete()
    hit = ThrottleHit.objects.create(scope=scope, key=key, at=now)
    counted = ThrottleHit.objects.filter(scope=scope, key=key, at__gt=now - window).count()
    if counted > limit:
        hit.delete()
        return False
    return True
