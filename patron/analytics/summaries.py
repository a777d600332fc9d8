"""Per-customer summaries of a transaction table: x, t_x, T, spend, first and last purchase.

x is the number of repeat purchase occasions (occasions after the first), t_x the time from
the first to the last occasion and T from the first occasion to the end of observation, all
in periods (see `periods`). Spend per occasion is the sum of its rows, so a return (a row
with a negative amount) is netted against the purchases of its occasion; an occasion whose
returns cancel out (net amount negative, or zero with a return in it) is not a purchase; a
free purchase (amount 0, no return) is. With `returns="exclude"`, negative rows are dropped
instead and purchases count at their gross amount. mean_spend is the mean net spend
of the repeat occasions (0 when there are none), as the Gamma-Gamma model wants.
"""

from dataclasses import dataclass

import polars as pl

from patron.analytics.frames import BadInput, refuse_bad_rows, transactions_frame
from patron.analytics.periods import Clock, Cutoff, cutoff

ENGINES = ("polars", "duckdb", "spark")
# An occasion's net is compared with zero at this many decimals, so that 0.10 + 0.20 - 0.30
# counts as cancelled whatever order an engine adds in.
NET_DIGITS = 6
RETURNS = ("net", "exclude")


@dataclass(frozen=True)
class Plan:
    """Everything an engine needs to compute the same summary as every other engine."""

    clock: Clock
    end: Cutoff
    calibration_end: Cutoff | None
    returns: str
    has_amount: bool


def summarise(
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
    engine="polars",
) -> pl.DataFrame:
    """One row per customer who bought before the end (of calibration, when given).

    Columns: customer, x, t_x, T, first, last, purchases, total_spend, mean_spend; with a
    calibration end also x_holdout, spend_holdout (mean per holdout occasion, 0 without any)
    and duration_holdout. `source` may also be a Spark DataFrame (engine "spark").
    """
    clock = Clock.of(period, grain)
    if returns not in RETURNS:
        raise BadInput(f"returns={returns!r}: use 'net' or 'exclude'.")
    if type(source).__module__.startswith("pyspark"):
        engine = "spark"
    if engine not in ENGINES:
        raise BadInput(f"Engine {engine!r}: use one of {', '.join(ENGINES)}.")
    if engine == "spark":
        from patron.analytics.summaries_spark import spark_summary

        return spark_summary(
            source,
            clock=clock,
            customer=customer,
            time=time,
            amount=amount,
            observation_end=observation_end,
            calibration_end=calibration_end,
            returns=returns,
            tz=tz,
        )
    frame, plan = _framed(
        source, clock, customer, time, amount, observation_end, calibration_end, returns, tz
    )
    if engine == "duckdb":
        from patron.analytics.summaries_duckdb import duckdb_summary

        result = duckdb_summary(frame, plan)
    else:
        result = polars_summary(frame.lazy(), plan)
    return result.rename({"customer": customer}) if customer != "customer" else result


def summary_dtypes(plan: Plan) -> dict:
    """The types of a summary's columns after the customer's, as every engine returns them."""
    dtypes = {
        "x": pl.Int64,
        "t_x": pl.Float64,
        "T": pl.Float64,
        "first": pl.Datetime("us"),
        "last": pl.Datetime("us"),
        "purchases": pl.Int64,
        "total_spend": pl.Float64,
        "mean_spend": pl.Float64,
    }
    if plan.calibration_end is not None:
        dtypes |= {"x_holdout": pl.Int64, "spend_holdout": pl.Float64, "duration_holdout": pl.Float64}
    return dtypes


def purchase_occasions(
    source,
    *,
    customer="customer",
    time="time",
    amount="amount",
    period="week",
    grain=None,
    observation_end=None,
    returns="net",
    tz=None,
) -> tuple[pl.DataFrame, Plan]:
    """Each customer's purchase occasions up to the observation end: columns customer, occasion."""
    clock = Clock.of(period, grain)
    frame, plan = _framed(source, clock, customer, time, amount, observation_end, None, returns, tz)
    rows = (
        frame.lazy()
        .with_columns(occasion=clock.occasion(pl.col("time")))
        .filter(pl.col("time") <= plan.end.last)
    )
    if returns == "exclude":
        rows = rows.filter(pl.col("amount") >= 0)
    return _occasions(rows, plan).select("customer", "occasion").collect(), plan


def _framed(source, clock, customer, time, amount, observation_end, calibration_end, returns, tz):
    frame = _checked(transactions_frame(source, customer=customer, time=time, amount=amount), tz)
    return frame, make_plan(clock, frame["time"].max(), observation_end, calibration_end, returns, amount, tz)


def make_plan(clock, latest, observation_end, calibration_end, returns, amount, tz) -> Plan:
    if latest is None:
        raise BadInput("There are no transactions.")
    end = cutoff(
        clock, observation_end if observation_end is not None else latest, what="Observation end", tz=tz
    )
    calibration = None
    if calibration_end is not None:
        calibration = cutoff(clock, calibration_end, what="Calibration end", tz=tz)
        if calibration.last >= end.last:
            raise BadInput(f"The calibration end {calibration_end} is not before the observation end.")
    return Plan(clock, end, calibration, returns, amount is not None)


def _checked(lazy: pl.LazyFrame, tz) -> pl.DataFrame:
    frame = lazy.collect()
    zone = frame.schema["time"].time_zone
    if zone is not None:
        frame = frame.with_columns(
            pl.col("time").dt.convert_time_zone(tz or "UTC").dt.replace_time_zone(None)
        )
    problems = frame.select(
        customer=pl.col("customer").null_count(),
        time=pl.col("time").null_count(),
        amount=pl.col("amount").null_count()
        + pl.col("amount").is_infinite().sum()
        + pl.col("amount").is_nan().sum(),
    ).row(0, named=True)
    refuse_bad_rows(problems)
    return frame


def polars_summary(frame: pl.LazyFrame, plan: Plan) -> pl.DataFrame:
    clock = plan.clock
    rows = frame.with_columns(occasion=clock.occasion(pl.col("time")))
    if plan.returns == "exclude":
        rows = rows.filter(pl.col("amount") >= 0)
    first_end = plan.calibration_end or plan.end
    inside = rows.filter(pl.col("time") <= first_end.last)
    summary = _customers(_occasions(inside, plan), plan, first_end)
    if plan.calibration_end is not None:
        later = rows.filter((pl.col("time") > first_end.last) & (pl.col("time") <= plan.end.last))
        holdout = (
            _occasions(later, plan)
            .group_by("customer")
            .agg(x_holdout=pl.len().cast(pl.Int64), spend_holdout=pl.col("spend").mean())
        )
        summary = summary.join(holdout, on="customer", how="left").with_columns(
            pl.col("x_holdout").fill_null(0),
            pl.col("spend_holdout").fill_null(0.0),
            duration_holdout=pl.lit((plan.end.position - first_end.position) * clock.scale),
        )
    return summary.sort("customer").collect()


def _occasions(rows: pl.LazyFrame, plan: Plan) -> pl.LazyFrame:
    occasions = rows.group_by("customer", "occasion").agg(
        spend=pl.col("amount").sum(),
        returned=(pl.col("amount") < 0).any(),
        first=pl.col("time").min(),
        last=pl.col("time").max(),
    )
    net = pl.col("spend").round(NET_DIGITS)
    kept = (net > 0) | ((net == 0) & ~pl.col("returned"))
    return occasions.filter(kept).drop("returned")


def _customers(occasions: pl.LazyFrame, plan: Plan, end: Cutoff) -> pl.LazyFrame:
    scale = plan.clock.scale
    per = occasions.group_by("customer").agg(
        purchases=pl.len().cast(pl.Int64),
        first_occasion=pl.col("occasion").min(),
        last_occasion=pl.col("occasion").max(),
        first=pl.col("first").min(),
        last=pl.col("last").max(),
        total_spend=pl.col("spend").sum(),
        first_spend=pl.col("spend").sort_by("occasion").first(),
    )
    x = pl.col("purchases") - 1
    return per.select(
        "customer",
        x=x,
        t_x=(pl.col("last_occasion") - pl.col("first_occasion")) * scale,
        T=(pl.lit(end.position) - pl.col("first_occasion")) * scale,
        first="first",
        last="last",
        purchases="purchases",
        total_spend="total_spend",
        mean_spend=pl.when(x > 0).then((pl.col("total_spend") - pl.col("first_spend")) / x).otherwise(0.0),
    )
