"""Read-only sums of the last scoring for the home page: segments, repeat buyers and the value
of the customers likely to leave."""

from django.db.models import Count, Q, Sum

from patron.scoring.filters import CHURN_BANDS
from patron.scoring.models import CustomerScore, ScoringRun

LIKELY_TO_LEAVE = "high"
"""The churn band of customers "likely to leave" (CHURN_BANDS: churn risk at least 70 %,
that is P(alive) under 30 %); the customer list's ?churn=high shows the same customers."""


def done_runs(limit=2):
    """The last ``limit`` finished runs, newest first."""
    return list(
        ScoringRun.objects.filter(status=ScoringRun.Status.DONE).order_by("-started_at", "-pk")[:limit]
    )


def segment_counts(run) -> dict[str, int]:
    """Customers per segment in the stored scores of ``run`` (the last run's: its scores replace
    the others)."""
    rows = CustomerScore.objects.filter(run=run).values_list("segment").annotate(customers=Count("pk"))
    return dict(rows)


def bought_again(prefix=""):
    """Scores of customers who bought again: purchases on at least two days (repeat_purchases
    counts the days after the first). ``prefix`` reaches the score from another model
    ("score__" from a customer)."""
    return Q(**{f"{prefix}repeat_purchases__gt": 0})


def buyer_counts() -> dict:
    """Scored customers (everyone who has bought) and those among them who bought again."""
    return CustomerScore.objects.aggregate(buyers=Count("pk"), repeat=Count("pk", filter=bought_again()))


def likely_to_leave() -> dict:
    """Customers likely to leave (LIKELY_TO_LEAVE), their value at risk (None when the scores
    predate it or the run could not fit the models) and what they have spent so far, in the
    base currency."""
    return CustomerScore.objects.filter(CHURN_BANDS[LIKELY_TO_LEAVE].q("churn_risk")).aggregate(
        customers=Count("pk"), at_risk=Sum("value_at_risk"), spend=Sum("total_spend")
    )
