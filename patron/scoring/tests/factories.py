"""Scores made by hand, for tests of what reads them (filters, lists, bands, constraints)."""

from decimal import Decimal

from django.utils import timezone

from patron.scoring.models import CustomerScore, ScoringRun, Segment


def make_run(**fields):
    """A finished scoring run in baht."""
    now = timezone.now()
    values = {"started_at": now, "finished_at": now, "status": ScoringRun.Status.DONE, "currency": "THB"}
    values["actor_kind"] = "system"
    return ScoringRun.objects.create(**values | fields)


def make_score(customer, run, **fields):
    """A repeat buyer's score in ``run``: three purchases, middling on every count, unless
    ``fields`` say otherwise. ``churn_risk`` alone also sets ``p_alive`` (its complement)."""
    at = run.started_at
    values = {
        "purchases": 3,
        "repeat_purchases": 2,
        "first_purchase": at,
        "last_purchase": at,
        "weeks_observed": 10,
        "total_spend": Decimal("100"),
        "recency_score": 3,
        "frequency_score": 3,
        "monetary_score": 3,
        "segment": Segment.NEED_ATTENTION,
    }
    risk = fields.get("churn_risk")
    if "p_alive" not in fields and risk is not None:
        values["p_alive"] = 1 - risk
    return CustomerScore.objects.create(customer=customer, run=run, **values | fields)
