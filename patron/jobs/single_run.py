"""One run of a kind at a time: a request while one is queued or running joins it.

Scoring runs and duplicate scans work on every customer; two at once would do the same work
twice. Their tables allow one active row (a unique constraint), so two requests at once
cannot both queue one: the loser of the race finds the winner's and joins it. An active run
that has shown no sign of life for :data:`STALE_AFTER` (its worker was killed, its queued job
lost) is marked failed, with :data:`STALE_NOTE`, so that it does not block new runs for ever.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

STALE_AFTER = timedelta(minutes=30)
# Stored in English and translated where it is shown, in the reader's language.
STALE_NOTE = gettext_noop("No sign of life for 30 minutes: taken as stopped.")
ATTEMPTS = 5


def retire_stale(active):
    """Mark failed the runs of the queryset ``active`` that have been silent too long."""
    now = timezone.now()
    active.filter(heartbeat_at__lt=now - STALE_AFTER).update(
        status="failed", finished_at=now, note=STALE_NOTE
    )


def join_or_queue(active, create, *, join=None):
    """(the active run, True) when there is one to join, or (the run ``create()`` made, False).

    ``active`` is the queryset of active runs; ``create()`` makes a queued one, and fails with
    IntegrityError when another request made one first. ``join(run)`` says whether to join the
    run found (by default yes); False looks again. (None, False) when runs start and end too
    fast to join one.
    """
    retire_stale(active)
    for _attempt in range(ATTEMPTS):
        run = active.first()
        if run is not None:
            if join is None or join(run):
                return run, True
            continue
        try:
            with transaction.atomic():
                return create(), False
        except IntegrityError:
            continue  # another request queued one first: join it
    return None, False


def shown_note(note):
    """A run's note in the reader's language: notes such as STALE_NOTE are stored in English."""
    return gettext(note) if note else note
