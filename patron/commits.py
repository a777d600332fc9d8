"""Work that waits for the transaction around it: order events, queued jobs."""

from functools import partial

from django.db import transaction


def after_commit(function, *args, **kwargs):
    """Call ``function(*args, **kwargs)`` once the current transaction commits, at once when
    none is open, never when it is rolled back.

    The atomic block makes this work where autocommit is off too (``on_commit`` alone is
    refused there); inside a transaction already open it adds nothing, not even a savepoint.
    """
    with transaction.atomic(savepoint=False):
        transaction.on_commit(partial(function, *args, **kwargs))
