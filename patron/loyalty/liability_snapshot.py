"""The loyalty page's figures kept between requests (LiabilitySnapshot), as the home page keeps
its own (patron.home.figures): at 20,000,000 entries they take half a minute to sum.

The figures are kept for the state of the data they were computed from (:func:`freshness`):
the business day, the newest entry, tier change and customer merge, the last finished scoring,
the programme's point value and expiry, the tiers and the base currency. The page and the
export read what is kept. When the data has moved on, figures that took under QUICK seconds
last time are computed again in the request (a shop of some thousands of entries: always
exact); slower ones are shown as they were, with their time, while a job computes them afresh
(:func:`patron.loyalty.liability_jobs.liability_refresh`), at most every REFRESH_EVERY. A
ledger above MANY_ENTRIES with no figures yet gets them from that job, the page saying so.

The job also runs each night after the expiry of points, and when a Marketer or an Admin
asks (:func:`refresh_ask`).
"""

import hashlib
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from patron.accounts.permissions import require
from patron.customers.summaries import merged_count
from patron.jobs.queue import queue_after_commit
from patron.loyalty import liability
from patron.loyalty.liability import Breakage, Figures, Month, Outstanding, Rate
from patron.loyalty.models import Entry, LiabilitySnapshot, Programme, Tier, TierChange
from patron.scoring.models import Segment
from patron.scoring.summaries import done_runs
from patron.workspace.clock import business_today

QUICK = 0.5
"""Seconds: figures computed faster than this last time are computed again in the request."""
MANY_ENTRIES = 200_000
"""Entries (the newest entry's id) above which figures never computed yet are computed by a job."""
REFRESH_EVERY = timedelta(minutes=5)
"""Slow figures are computed afresh at most this often, however often the ledger moves."""
REFRESH_AGAIN = timedelta(minutes=10)
"""A refresh queued this long ago and not done (its worker died, no worker runs) is queued again."""
REFRESH = "loyalty.manage_programme"
"""Who may ask for the figures to be computed again: whoever runs the programme."""


@dataclass(frozen=True)
class Kept:
    """What the page shows: ``figures`` (None: never computed yet, a job is working them out)
    and whether newer ones are being worked out (``stale``)."""

    figures: Figures | None
    stale: bool


def freshness(workspace) -> str:
    """What the figures depend on, read from primary keys and small tables (see the module
    docstring). Points maturing or passing their expiry during the day do not change it: the
    figures say when they were computed, and the night's expiry computes them afresh."""
    run = done_runs(1)
    programme = Programme.objects.filter(pk=1).values_list("point_value", "expiry_months").first()
    tiers = hashlib.sha256(repr(list(Tier.objects.order_by("pk").values_list("pk", "name"))).encode())
    return "|".join(
        map(
            str,
            [
                business_today(workspace),
                _latest(Entry),
                _latest(TierChange),
                merged_count(),
                run[0].pk if run else 0,
                *(programme or (0, None)),
                tiers.hexdigest()[:16],
                workspace.currency,
            ],
        )
    )


def _latest(model):
    return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def kept(workspace) -> Kept:
    """The figures for the data as it is now, as kept or computed here (module docstring)."""
    key = freshness(workspace)
    snapshot = LiabilitySnapshot.objects.filter(pk=1).first()
    if snapshot is not None and snapshot.key == key and snapshot.figures:
        return Kept(from_json(snapshot), stale=False)
    if snapshot is None and int(key.split("|")[1]) > MANY_ENTRIES:
        snapshot, _made = LiabilitySnapshot.objects.get_or_create(
            pk=1, defaults={"key": "", "seconds": QUICK}
        )
    if snapshot is not None and snapshot.seconds >= QUICK:
        _refresh_later(snapshot)
        return Kept(from_json(snapshot) if snapshot.figures else None, stale=bool(snapshot.figures))
    return Kept(compute(workspace, key), stale=False)


def compute(workspace, key=None) -> Figures:
    """Compute the figures and keep them for ``key`` (the data as it is now when None)."""
    key = key or freshness(workspace)
    started = time.perf_counter()
    figures = liability.figures(workspace=workspace)
    values = {
        "key": key,
        "figures": to_json(figures),
        "as_of": figures.as_of,
        "seconds": time.perf_counter() - started,
        "refreshing_at": None,
    }
    try:
        with transaction.atomic():
            LiabilitySnapshot.objects.update_or_create(pk=1, defaults=values)
    except IntegrityError:
        pass  # another request kept them meanwhile
    return figures


def may_refresh(user) -> bool:
    return user.has_perm(REFRESH)


def refresh_ask(*, by) -> bool:
    """A Marketer's or an Admin's request to compute the figures afresh, now: False when a
    refresh is queued already (and not forgotten: REFRESH_AGAIN)."""
    require(by, REFRESH)
    # Without figures yet, a page before the job's is computed in its request when it is quick.
    snapshot, _created = LiabilitySnapshot.objects.get_or_create(pk=1, defaults={"key": ""})
    return _refresh_later(snapshot, asked=True)


def _refresh_later(snapshot, *, asked=False) -> bool:
    """Queue the job that computes the figures afresh, unless one was queued lately or, unless
    someone ``asked``, they were computed less than REFRESH_EVERY ago. Whether it was queued."""
    from patron.loyalty.liability_jobs import liability_refresh  # the job module imports this one

    now = timezone.now()
    if not asked and snapshot.figures and snapshot.as_of and snapshot.as_of > now - REFRESH_EVERY:
        return False
    idle = Q(refreshing_at__isnull=True) | Q(refreshing_at__lt=now - REFRESH_AGAIN)
    if LiabilitySnapshot.objects.filter(idle, pk=snapshot.pk).update(refreshing_at=now):
        queue_after_commit(liability_refresh)
        return True
    return False


# -- the figures as JSON: whole points as numbers, amounts and rates as text (never a float)


def to_json(figures: Figures) -> dict:
    points, estimate = figures.points, figures.breakage
    return {
        "currency": figures.currency,
        "points": {
            "available": points.available,
            "pending": points.pending,
            "due": points.due,
            "point_value": str(points.point_value),
        },
        "breakage": {
            "redeemed": estimate.redeemed,
            "expired": estimate.expired,
            "settled_months": estimate.settled_months,
            "cutoff": estimate.cutoff.isoformat(),
        },
        "months": [
            [m.month.isoformat(), m.earned, m.redeemed, m.expired, m.taken_back, m.adjusted]
            for m in figures.months
        ],
        # A segment's name is its label in the reader's language, given when read.
        "tiers": [[r.key, r.name, r.customers, r.earned, r.redeemed] for r in figures.tiers],
        "segments": [[r.key, r.customers, r.earned, r.redeemed] for r in figures.segments],
    }


def from_json(snapshot) -> Figures:
    data = snapshot.figures
    points, estimate = data["points"], data["breakage"]
    labels = dict(Segment.choices)
    return Figures(
        as_of=snapshot.as_of,
        currency=data["currency"],
        points=Outstanding(
            available=points["available"],
            pending=points["pending"],
            due=points["due"],
            point_value=Decimal(points["point_value"]),
        ),
        breakage=Breakage(
            redeemed=estimate["redeemed"],
            expired=estimate["expired"],
            settled_months=estimate["settled_months"],
            cutoff=datetime.fromisoformat(estimate["cutoff"]),
        ),
        months=tuple(Month(date.fromisoformat(row[0]), *row[1:]) for row in data["months"]),
        tiers=tuple(Rate(*row) for row in data["tiers"]),
        segments=tuple(
            Rate(key, str(labels[key]) if key else "", customers, earned, redeemed)
            for key, customers, earned, redeemed in data["segments"]
        ),
    )
