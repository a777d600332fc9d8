"""The home page's figures, per section, each kept in a Snapshot until the data changes.

A section is computed only when a user who may see it asks for it, then kept for the state of
the data it was computed from (:func:`freshness`): the business day, the newest order and
customer, the number of merged records and the last finished scoring run. Orders recorded or
changed make every kept section out of date (the order events, apps.py). Most requests thus read
a few primary keys and one small row per section.

A section out of date is computed again in the request when it took under QUICK seconds last
time (a shop of some thousands of orders: the figures are always exact). A slower one (a million
customers: several seconds of sums over the orders) is shown as it was, saying since when, while
a job computes it afresh (:func:`patron.home.jobs.home_figures_refresh`), so that no view waits;
at most every REFRESH_EVERY, so that a busy shop's sales do not keep the database summing.
"""

import time
from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from patron.customers.selectors import customer_list
from patron.customers.summaries import latest_customer_id, merged_count
from patron.home.models import SegmentCount, Snapshot
from patron.home.periods import add_months, month_bounds, this_month, year_ago
from patron.jobs.queue import queue_after_commit
from patron.sales.summaries import buyers_count, first_buyers_count, latest_order_id, net_revenue
from patron.scoring.models import ScoringRun, Segment
from patron.scoring.summaries import buyer_counts, done_runs, likely_to_leave, segment_counts
from patron.workspace.clock import business_today

QUICK = 0.5
"""Seconds: a section computed faster than this last time is computed again in the request."""
MANY_ORDERS = 200_000
"""Orders (the newest order's id) above which a section never computed yet is computed by a job."""
REFRESH_EVERY = timedelta(minutes=5)
"""A slow section is computed afresh at most this often, however often orders change."""
REFRESH_AGAIN = timedelta(minutes=10)
"""A refresh queued this long ago and not done (its worker died, no worker runs) is queued again."""
MONTHS = 13
"""Months of revenue shown: this one and the twelve before, the same month last year among them."""


def freshness(workspace) -> str:
    """What the figures depend on, read from primary keys and small indexes: the business day,
    the newest order and customer, how many records were merged, the last finished run, and the
    base currency (the revenue's)."""
    run = done_runs(1)
    return "|".join(
        map(
            str,
            [
                business_today(workspace),
                latest_order_id(),
                latest_customer_id(),
                merged_count(),
                run[0].pk if run else 0,
                workspace.currency,
            ],
        )
    )


def sections(names, workspace, key):
    """{name: section(...)} for each of ``names``, their kept figures read in one query."""
    kept = {snapshot.section: snapshot for snapshot in Snapshot.objects.filter(section__in=names)}
    return {name: section(name, workspace, key, kept.get(name)) for name in names}


def section(name, workspace, key, kept):
    """The figures of section ``name`` for the data as ``key`` describes it, and None; or, while
    they are worked out afresh in the background, the figures kept (None if none yet) and since
    when they are kept (or asked for). ``kept``: the section's Snapshot, or None."""
    if kept is not None and kept.key == key:
        return kept.figures, None
    if kept is None and _many_orders(key):
        kept, _created = Snapshot.objects.get_or_create(section=name, defaults={"key": "", "seconds": QUICK})
    if kept is not None and kept.seconds >= QUICK:
        _refresh_later(kept)
        return kept.figures or None, kept.computed_at  # {}: never computed yet
    return compute(name, workspace, key), None


def _many_orders(key):
    """Whether the data is large enough that a first computation would hold a request up."""
    return int(key.split("|")[1]) > MANY_ORDERS


def compute(name, workspace, key):
    """Compute section ``name`` and keep it for ``key``."""
    started = time.perf_counter()
    figures = SECTIONS[name](workspace)
    values = {"key": key, "figures": figures, "seconds": time.perf_counter() - started, "refreshing_at": None}
    try:
        with transaction.atomic():
            Snapshot.objects.update_or_create(section=name, defaults=values)
    except IntegrityError:
        pass  # another request kept the section meanwhile
    return figures


def _refresh_later(kept):
    """Queue the job that computes ``kept``'s section afresh, unless one was queued lately or the
    section was computed less than REFRESH_EVERY ago."""
    from patron.home.jobs import home_figures_refresh  # the job module imports this one

    now = timezone.now()
    if kept.figures and kept.computed_at > now - REFRESH_EVERY:
        return
    idle = Q(refreshing_at__isnull=True) | Q(refreshing_at__lt=now - REFRESH_AGAIN)
    if Snapshot.objects.filter(idle, pk=kept.pk).update(refreshing_at=now):
        queue_after_commit(home_figures_refresh, kept.section)


def _customers(workspace):
    today = business_today(workspace)
    return {
        "customers": customer_list().count(),
        "active": buyers_count(year_ago(workspace)),
        "active_since": add_months(today, -12).isoformat(),
        "new": first_buyers_count(this_month(workspace)),
        "month": today.replace(day=1).isoformat(),
    }


def _revenue(workspace):
    bounds = month_bounds(business_today(workspace), MONTHS, workspace)
    return {
        "months": [moment.date().isoformat() for moment in bounds[:-1]],
        "amounts": [str(amount) for amount in net_revenue(bounds)],
    }


def _scores(workspace):
    runs = done_runs(1)
    if not runs:
        return {"run": None}
    run = runs[0]
    counts = segment_counts(run)
    SegmentCount.objects.bulk_create(
        [SegmentCount(run=run, segment=segment, customers=n) for segment, n in counts.items()],
        ignore_conflicts=True,
    )
    before = SegmentCount.objects.filter(run_id__lt=run.pk).order_by("-run_id").values_list("run", flat=True)
    compared = before.first()
    earlier = dict(SegmentCount.objects.filter(run=compared).values_list("segment", "customers"))
    compared_at = ScoringRun.objects.filter(pk=compared).values_list("finished_at", flat=True).first()
    buyers, leaving = buyer_counts(), likely_to_leave()
    # None: the run could not fit the spend model, or its scores are of a version that did not
    # weigh the value at risk yet.
    unweighed = leaving["customers"] and leaving["at_risk"] is None
    return {
        "run": run.pk,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "compared_run": compared,
        "compared_at": compared_at.isoformat() if compared_at else None,
        "segments": [
            {
                "segment": segment,
                "customers": counts.get(segment, 0),
                "change": counts.get(segment, 0) - earlier.get(segment, 0) if compared else None,
            }
            for segment in Segment.values
        ],
        "buyers": buyers["buyers"],
        "repeat": buyers["repeat"],
        "leaving": leaving["customers"],
        "leaving_at_risk": None if unweighed else str(leaving["at_risk"] or Decimal(0)),
        "leaving_spend": str(leaving["spend"] or Decimal(0)),
        "spend_model": "spend" in run.fitted,
    }


SECTIONS = {"customers": _customers, "revenue": _revenue, "scores": _scores}


def forget(**kwargs):
    """Orders were recorded or changed: every section is out of date (an order event's receiver)."""
    Snapshot.objects.update(key="")
