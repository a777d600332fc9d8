"""The home page's figures, per section, each kept in a Snapshot until the data changes.

A section is computed only when a user who may see it asks for it, then kept for the state of
the data it was computed from (:func:`freshness`): the business day, the newest order and
customer, the number of merged records and the last finished scoring run. Orders recorded or
changed delete every snapshot (the order events, apps.py). Most requests thus read a few primary
keys and one small row; the sums over millions of orders run once per change.
"""

import time
from decimal import Decimal

from django.db import IntegrityError, transaction

from patron.customers.selectors import customer_list
from patron.customers.summaries import latest_customer_id, merged_count
from patron.home.models import SegmentCount, Snapshot
from patron.home.periods import add_months, month_bounds, this_month, year_ago
from patron.sales.summaries import buyers_count, first_buyers_count, latest_order_id, net_revenue
from patron.scoring.models import ScoringRun, Segment
from patron.scoring.summaries import buyer_counts, done_runs, likely_to_leave, segment_counts
from patron.workspace.clock import business_today

MONTHS = 13
"""Months of revenue shown: this one and the twelve before, the same month last year among them."""


def freshness(workspace) -> str:
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
            ],
        )
    )


def section(name, workspace, key):
    """The figures of section ``name`` for the data as ``key`` describes it (computed once)."""
    kept = Snapshot.objects.filter(section=name, key=key).values_list("figures", flat=True).first()
    if kept is not None:
        return kept
    started = time.perf_counter()
    figures = SECTIONS[name](workspace)
    Snapshot.objects.filter(section=name).exclude(key=key).delete()
    try:
        with transaction.atomic():
            Snapshot.objects.create(
                section=name, key=key, figures=figures, seconds=time.perf_counter() - started
            )
    except IntegrityError:
        pass  # another request stored the same figures meanwhile
    return figures


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
        return {}
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
        "leaving_clv": str(leaving["clv"] or Decimal(0)),
        "leaving_spend": str(leaving["spend"] or Decimal(0)),
    }


SECTIONS = {"customers": _customers, "revenue": _revenue, "scores": _scores}


def forget(**kwargs):
    """Orders were recorded or changed: every section may be out of date (an order event's receiver)."""
    Snapshot.objects.all().delete()
