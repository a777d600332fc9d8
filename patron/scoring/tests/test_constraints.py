"""The database keeps scores in their ranges and runs and segments to their names, whatever
writes them (the COPY of a scoring run, a merge's undo, SQL)."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection

from patron.customers.models import Customer
from patron.customers.tests.constraints import accepted, refused
from patron.scoring.models import CustomerScore, ScoringRun, Segment
from patron.scoring.tests.factories import make_run, make_score

pytestmark = pytest.mark.django_db

DAY = datetime(2026, 11, 2, 3, 4, tzinfo=UTC)


@pytest.fixture
def score():
    return make_score(
        Customer.objects.create(display_name="สมศรี ใจดี"),
        make_run(started_at=DAY, finished_at=None),
        weeks_observed=10.5,
        total_spend=Decimal("1234.5000"),
        churn_risk=0.5,
        value_decile=5,
    )


@pytest.fixture
def rows(score):
    return CustomerScore.objects.filter(pk=score.pk)


@pytest.mark.parametrize("field", ["recency_score", "frequency_score", "monetary_score"])
def test_rfm_scores_run_from_1_to_5(rows, field):
    refused(rows, f"score_{field.removesuffix('_score')}_1_to_5", **{field: 0})
    refused(rows, f"score_{field.removesuffix('_score')}_1_to_5", **{field: 6})
    accepted(rows, **{field: 1})
    accepted(rows, **{field: 5})


@pytest.mark.parametrize("field", ["p_alive", "churn_risk"])
def test_probabilities_run_from_0_to_1_or_are_missing(rows, field):
    refused(rows, f"score_{field}_0_to_1", **{field: -0.001})
    refused(rows, f"score_{field}_0_to_1", **{field: 1.000001})
    accepted(rows, **{field: 0.0})
    accepted(rows, **{field: 1.0})
    accepted(rows, **{field: None})


@pytest.mark.parametrize("field", ["p_alive", "churn_risk"])
def test_a_probability_is_never_stored_as_nan(rows, field):
    """PostgreSQL keeps a NaN, and orders it above every number: the range refuses it. SQLite
    stores a NaN as null, which the constraint lets through as "no prediction"."""
    if connection.vendor == "postgresql":
        refused(rows, f"score_{field}_0_to_1", **{field: float("nan")})
    else:
        rows.update(**{field: float("nan")})
        assert rows.values_list(field, flat=True).get() is None


def test_value_deciles_run_from_1_to_10_or_are_missing(rows):
    refused(rows, "score_value_decile_1_to_10", value_decile=0)
    refused(rows, "score_value_decile_1_to_10", value_decile=11)
    accepted(rows, value_decile=1)
    accepted(rows, value_decile=10)
    accepted(rows, value_decile=None)


def test_a_segment_outside_the_map_is_refused(rows):
    refused(rows, "score_segment_known", segment="whales")
    refused(rows, "score_segment_known", segment="")
    for segment in Segment.values:
        accepted(rows, segment=segment)


def test_a_run_status_outside_the_choices_is_refused(score):
    runs = ScoringRun.objects.filter(pk=score.run_id)
    refused(runs, "scoring_run_status_known", status="stopped")
    for status in (ScoringRun.Status.FAILED, ScoringRun.Status.DONE):
        accepted(runs, status=status)
