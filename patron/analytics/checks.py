"""The papers' model checks: cumulative repeat purchases over time, and calibration vs holdout."""

import math

import numpy as np
import polars as pl

from patron.analytics.frames import BadInput
from patron.analytics.periods import cutoff
from patron.analytics.summaries import purchase_occasions


def tracking_curve(
    model,
    source,
    *,
    customer="customer",
    time="time",
    amount="amount",
    period="week",
    grain=None,
    observation_end=None,
    calibration_end=None,
    returns="net",
    tz=None,
) -> pl.DataFrame:
    """Actual and expected cumulative repeat purchases of the cohort, period by period.

    The cohort is every customer whose first purchase falls before the calibration end (or
    the observation end). Columns: period (periods since the cohort's first purchase),
    actual, expected, and calibration (whether the period is inside the calibration window).
    """
    occasions, plan = purchase_occasions(
        source,
        customer=customer,
        time=time,
        amount=amount,
        period=period,
        grain=grain,
        observation_end=observation_end,
        returns=returns,
        tz=tz,
    )
    cohort_end = plan.end
    if calibration_end is not None:
        cohort_end = cutoff(plan.clock, calibration_end, what="Calibration end", tz=tz)
    scale = plan.clock.scale
    with_first = occasions.with_columns(first=pl.col("occasion").min().over("customer"))
    cohort = with_first.filter(pl.col("first") <= cohort_end.position)
    if cohort.height == 0:
        raise BadInput("No customer bought before the calibration end.")
    origin = cohort["first"].min()
    repeats = cohort.filter(pl.col("occasion") > pl.col("first"))
    repeat_at = ((repeats["occasion"] - origin) * scale).to_numpy()
    births = cohort.group_by("customer").agg(pl.col("first").first()).group_by("first").len()
    birth_at = ((births["first"] - origin) * scale).to_numpy()
    born = births["len"].to_numpy()
    steps = np.arange(1, math.ceil((plan.end.position - origin) * scale) + 1, dtype=np.float64)
    actual = np.searchsorted(np.sort(repeat_at), steps, side="right")
    expected = np.array([born @ model.expected_population(np.maximum(k - birth_at, 0.0)) for k in steps])
    return pl.DataFrame(
        {
            "period": steps,
            "actual": actual.astype(np.float64),
            "expected": expected,
            "calibration": steps <= (cohort_end.position - origin) * scale,
        }
    )


def calibration_holdout(model, summary: pl.DataFrame, *, most=7) -> pl.DataFrame:
    """Mean actual and expected holdout purchases by calibration frequency (x >= `most` together)."""
    missing = {"x", "t_x", "T", "x_holdout", "duration_holdout"} - set(summary.columns)
    if missing:
        raise BadInput("Summarise with a calibration end first: " + ", ".join(sorted(missing)) + " missing.")
    expected = model.expected_purchases(float(summary["duration_holdout"][0]), summary)
    return (
        summary.select(pl.col("x").clip(upper_bound=most).alias("x"), "x_holdout")
        .with_columns(expected=expected)
        .group_by("x")
        .agg(customers=pl.len(), actual=pl.col("x_holdout").mean(), expected=pl.col("expected").mean())
        .sort("x")
    )
