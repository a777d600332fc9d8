"""Reads of scores shared by the pages, the API and the customer page."""

from django.db.models import Count, Sum

from patron.scoring.models import CustomerScore, ScoringRun, Segment


def latest_run():
    return ScoringRun.objects.filter(status=ScoringRun.Status.DONE).first()


def scores_filtered(*, segment=None, min_clv=None, min_churn_risk=None, max_churn_risk=None):
    scores = CustomerScore.objects.all()
    if segment:
        scores = scores.filter(segment=segment)
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
