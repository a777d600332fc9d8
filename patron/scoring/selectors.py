"""Reads of scores shared by the pages, the API and the customer page."""

from decimal import Decimal

from django.db.models import Count, Q, Sum

from patron.scoring.filters import CHURN_BANDS
from patron.scoring.models import CustomerScore, ScoringRun, Segment


def latest_run():
    return ScoringRun.objects.filter(status=ScoringRun.Status.DONE).first()


def scores_filtered(*, segment=None, churn=None, min_clv=None, min_churn_risk=None, max_churn_risk=None):
    """Scores matching every filter given; `churn` names one of CHURN_BANDS, the bounds of
    churn risk are both inclusive."""
    scores = CustomerScore.objects.all()
    if segment:
        scores = scores.filter(segment=segment)
    if churn:
        scores = scores.filter(CHURN_BANDS[churn].q("churn_risk"))
    if min_clv is not None:
        scores = scores.filter(clv__gte=min_clv)
    if min_churn_risk is not None:
        scores = scores.filter(churn_risk__gte=min_churn_risk)
    if max_churn_risk is not None:
        scores = scores.filter(churn_risk__lte=max_churn_risk)
    return scores


def segment_sizes():
    """Each segment's customers, revenue and share of revenue, largest revenue first."""
    rows = CustomerScore.objects.values("segment").annotate(customers=Count("pk"), revenue=Sum("total_spend"))
    total = sum((row["revenue"] or 0) for row in rows)
    labels = dict(Segment.choices)
    out = [
        {
            "segment": row["segment"],
            "label": str(labels.get(row["segment"], row["segment"])),
            "customers": row["customers"],
            "revenue": row["revenue"] or 0,
            "revenue_share": float((row["revenue"] or 0) / total) if total else 0.0,
        }
        for row in rows
    ]
    return sorted(out, key=lambda row: row["revenue"], reverse=True)


def rfm_grid():
    """Rows of the R x F heatmap, best recency first: each cell's customers and revenue."""
    cells = {
        (row["recency_score"], row["frequency_score"]): row
        for row in CustomerScore.objects.values("recency_score", "frequency_score").annotate(
            customers=Count("pk"), revenue=Sum("total_spend")
        )
    }
    most = max((cell["customers"] for cell in cells.values()), default=0) or 1
    return [
        {
            "recency": r,
            "cells": [
                {
                    "frequency": f,
                    "customers": cells.get((r, f), {}).get("customers", 0),
                    "revenue": cells.get((r, f), {}).get("revenue") or 0,
                    "shade": round(cells.get((r, f), {}).get("customers", 0) / most, 2),
                }
                for f in range(1, 6)
            ],
        }
        for r in range(5, 0, -1)
    ]


def clv_bands():
    """Customers and total CLV per band of lifetime value: under 1, 1 to 10, 10 to 100, ..."""
    bounds = [Decimal(10) ** k for k in range(0, 10)]
    scored = CustomerScore.objects.exclude(clv=None)
    aggregates = {}
    lower = Decimal(0)
    for i, upper in enumerate([*bounds, None]):
        band = Q(clv__gte=lower) & (Q(clv__lt=upper) if upper is not None else Q())
        aggregates[f"n{i}"] = Count("pk", filter=band)
        aggregates[f"v{i}"] = Sum("clv", filter=band)
        lower = upper
    totals = scored.aggregate(**aggregates)
    rows, lower = [], Decimal(0)
    for i, upper in enumerate([*bounds, None]):
        if totals[f"n{i}"]:
            rows.append(
                {"lower": lower, "upper": upper, "customers": totals[f"n{i}"], "clv": totals[f"v{i}"]}
            )
        lower = upper
    return rows


def valuable_at_risk(limit=25):
    """Customers among the biggest spenders (monetary score 4 or 5) most likely to have left."""
    return (
        CustomerScore.objects.filter(monetary_score__gte=4, churn_risk__isnull=False)
        .select_related("customer")
        .order_by("-churn_risk", "-total_spend")[:limit]
    )
