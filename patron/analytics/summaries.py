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

import math
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from patron.analytics.frames import BadInput, refuse_bad_rows, transactions_frame
from patron.analytics.periods import Clock, Cutoff, cutoff

ENGINES = ("polars", "duckdb", "spark")
# An occasion's net is compared with zero at this many decimals, so that 0.10 + 0.20 - 0.30
# counts as cancelled whatever order an engine adds in.
NET_DIGITS = 6
RETURNS = ("net", "exclude")
ROWS_A_BUCKET = 20_000_000  # a bucket of 20 M rows (8 a customer) peaks near 2.5 GiB
KEY_LIMIT = 1 << 62  # packed keys (see Keys) are used when they all stay below this


@dataclass(frozen=True)
class Keys:
    """Integer customer ids and occasions packed into one integer a row, (customer - least) *
    span + (occasion - first): sorted on it, the rows fall in runs of one occasion, in
    customer then occasion order, which Polars groups without hashing. With daily data, where
    nearly every row is an occasion of its own, that halves the work of a group-by on the two
    columns. Customer ids of other types, or too far apart, are grouped by hashing."""

    least: int
    ids: int  # most - least + 1
    first: int
    span: int
    dtype: pl.DataType

    @classmethod
    def fitting(cls, clock: Clock, end: Cutoff, found: dict) -> "Keys | None":
        """The keys for the rows `found` describes (the type and range of their integer customer
        ids, their earliest time; rows after the end are left out), or None where they do not fit."""
        if found.get("least") is None or found.get("earliest") is None:
            return None
        first = clock.occasion_of(found["earliest"])
        span = max(end.position - first + 1, 1)
        ids = found["most"] - found["least"] + 1
        if ids * span >= KEY_LIMIT:
            return None
        return cls(found["least"], ids, first, span, found["dtype"])

    def key(self) -> pl.Expr:
        if self.dtype == pl.UInt64:  # ids may pass Int64's range, their distances from the least not
            customer = (pl.col("customer") - pl.lit(self.least, pl.UInt64)).cast(pl.Int64)
        else:  # in Int64 before subtracting, where a narrow type would overflow
            customer = pl.col("customer").cast(pl.Int64) - self.least
        key = customer * self.span + (pl.col("occasion") - self.first)
        return key.cast(pl.UInt32) if self.ids * self.span <= 1 << 32 else key  # half-width keys sort faster

    def customer(self) -> pl.Expr:
        if self.dtype == pl.UInt64:
            return (pl.col("key") // self.span).cast(pl.UInt64) + pl.lit(self.least, pl.UInt64)
        return (pl.col("key").cast(pl.Int64) // self.span + self.least).cast(self.dtype)

    def occasion(self) -> pl.Expr:
        return (pl.col("key") % self.span).cast(pl.Int64) + self.first


@dataclass(frozen=True)
class Plan:
    """Everything an engine needs to compute the same summary as every other engine."""

    clock: Clock
    end: Cutoff
    calibration_end: Cutoff | None
    returns: str
    has_amount: bool
    keys: Keys | None = None  # the Polars engine's, where they fit


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
    buckets=None,
) -> pl.DataFrame:
    """One row per customer who bought before the end (of calibration, when given), by customer.

    Columns: customer, x, t_x, T, first, last, purchases, total_spend, mean_spend; with a
    calibration end also x_holdout, spend_holdout (mean per holdout occasion, 0 without any)
    and duration_holdout. `source` may also be a Spark DataFrame (engine "spark").

    `buckets` (Polars engine only) splits the customers into that many groups by a hash of
    their id and summarises one group at a time, each read afresh from the source, so that
    only one group's rows are held at once: the same summary in less memory, at the cost of
    reading the source once per bucket and once more for the checks and the latest time. By
    default a Parquet or CSV path gets one bucket per 20 million rows (so smaller files are
    read once, whole) and other sources one; a LazyFrame, such as a `pl.scan_parquet`, gains
    from buckets too. (The same summary but for the last bits of the spend sums, which Polars
    adds in no fixed order: two unbucketed runs differ there as well.)
    """
    clock = Clock.of(period, grain)
    if returns not in RETURNS:
        raise BadInput(f"returns={returns!r}: use 'net' or 'exclude'.")
    if type(source).__module__.startswith("pyspark"):
        engine = "spark"
    if engine not in ENGINES:
        raise BadInput(f"Engine {engine!r}: use one of {', '.join(ENGINES)}.")
    if buckets is not None and (engine != "polars" or not isinstance(buckets, int) or buckets < 1):
        raise BadInput(f"buckets={buckets!r}: give a whole number, at least 1, with the Polars engine.")
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
    rows = transactions_frame(source, customer=customer, time=time, amount=amount)
    if buckets is None:
        buckets = default_buckets(source, rows) if engine == "polars" else 1
    if buckets > 1:
        rows, found = _checked_lazily(rows, tz)
        plan = make_plan(clock, found["latest"], observation_end, calibration_end, returns, amount, tz, found)
        result = bucketed_summary(rows, plan, buckets)
    else:
        frame, plan = _framed(rows, clock, observation_end, calibration_end, returns, amount, tz)
        if engine == "duckdb":
            from patron.analytics.summaries_duckdb import duckdb_summary

            result = duckdb_summary(frame, plan)
        else:
            result = polars_summary(frame.lazy(), plan)
    return result.rename({"customer": customer}) if customer != "customer" else result


def default_buckets(source, rows: pl.LazyFrame) -> int:
    """One bucket per ROWS_A_BUCKET rows of a file (counted from the Parquet metadata, or the
    CSV's lines); one for a frame, whose rows are in memory already."""
    if not isinstance(source, str | Path):
        return 1
    return max(1, math.ceil(rows.select(pl.len()).collect().item() / ROWS_A_BUCKET))


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
    rows = transactions_frame(source, customer=customer, time=time, amount=amount)
    frame, plan = _framed(rows, clock, observation_end, None, returns, amount, tz)
    rows = (
        frame.lazy()
        .with_columns(occasion=clock.occasion(pl.col("time")))
        .filter(pl.col("time") <= plan.end.last)
    )
    if returns == "exclude":
        rows = rows.filter(pl.col("amount") >= 0)
    return _occasions(rows, plan).select("customer", "occasion").collect(), plan


def _framed(rows, clock, observation_end, calibration_end, returns, amount, tz):
    frame, found = _checked(rows, tz)
    return frame, make_plan(
        clock, found["latest"], observation_end, calibration_end, returns, amount, tz, found
    )


def make_plan(clock, latest, observation_end, calibration_end, returns, amount, tz, found=None) -> Plan:
    """The plan of a summary; `found`, what `_bounds` found in the rows, gives the Polars
    engine its packed keys where they fit."""
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
    keys = Keys.fitting(clock, end, found) if found else None
    return Plan(clock, end, calibration, returns, amount is not None, keys)


def _checked(rows: pl.LazyFrame, tz) -> tuple[pl.DataFrame, dict]:
    """The rows, and what `_bounds` finds in them, once their bad rows are refused."""
    frame = _naive(rows, tz).collect()
    found = frame.select(**_problems(), **_bounds(frame.schema)).row(0, named=True)
    refuse_bad_rows(found)
    return frame, found | {"dtype": frame.schema["customer"]}


def _checked_lazily(rows: pl.LazyFrame, tz) -> tuple[pl.LazyFrame, dict]:
    """The rows, still lazy, and what `_bounds` finds in them, once the bad rows of the whole
    input are counted (and refused, if any) in one streaming pass that holds none of them."""
    rows = _naive(rows, tz)
    schema = rows.collect_schema()
    found = rows.select(**_problems(), **_bounds(schema)).collect(engine="streaming").row(0, named=True)
    refuse_bad_rows(found)
    return rows, found | {"dtype": schema["customer"]}


def _bounds(schema) -> dict[str, pl.Expr]:
    """The latest time; with integer customer ids, their range and the earliest time (for Keys)."""
    bounds = {"latest": pl.col("time").max()}
    if schema["customer"].is_integer():
        bounds |= {
            "least": pl.col("customer").min(),
            "most": pl.col("customer").max(),
            "earliest": pl.col("time").min(),
        }
    return bounds


def _naive(rows: pl.LazyFrame, tz) -> pl.LazyFrame:
    """Zoned times as the local times of `tz` (UTC by default); naive times as they are."""
    if rows.collect_schema()["time"].time_zone is None:
        return rows
    return rows.with_columns(pl.col("time").dt.convert_time_zone(tz or "UTC").dt.replace_time_zone(None))


def _problems() -> dict[str, pl.Expr]:
    """How many rows lack a customer, a time or a (finite) amount, as `refuse_bad_rows` wants them."""
    return {
        "customer": pl.col("customer").null_count(),
        "time": pl.col("time").null_count(),
        "amount": pl.col("amount").null_count()
        + pl.col("amount").is_infinite().sum()
        + pl.col("amount").is_nan().sum(),
    }


def bucketed_summary(rows: pl.LazyFrame, plan: Plan, buckets: int) -> pl.DataFrame:
    """`polars_summary` of each bucket of customers in turn, the bucket's rows read afresh from
    `rows` each time, so that only one bucket's rows are held at once."""
    bucket = pl.col("customer").hash() % buckets
    parts = [_summary(rows.filter(bucket == number), plan).collect() for number in range(buckets)]
    return pl.concat(parts).sort("customer")


def polars_summary(frame: pl.LazyFrame, plan: Plan) -> pl.DataFrame:
    return _summary(frame, plan).sort("customer").collect()


def _summary(frame: pl.LazyFrame, plan: Plan) -> pl.LazyFrame:
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
    return summary


def _occasions(rows: pl.LazyFrame, plan: Plan) -> pl.LazyFrame:
    """Each customer's purchase occasions: customer, occasion, spend, first and last time. With
    packed keys they come sorted by customer and occasion, and the customer column says so,
    so that grouping them by customer needs no hashing either."""
    aggregates = {
        "spend": pl.col("amount").sum(),
        "returned": (pl.col("amount") < 0).any(),
        "first": pl.col("time").min(),
        "last": pl.col("time").max(),
    }
    keys = plan.keys
    if keys is None:
        occasions = rows.group_by("customer", "occasion").agg(**aggregates)
    else:
        occasions = (
            rows.select(keys.key().alias("key"), "time", "amount")
            .sort("key")
            .group_by("key", maintain_order=True)
            .agg(**aggregates)
            .select(
                keys.customer().set_sorted().alias("customer"), keys.occasion().alias("occasion"), *aggregates
            )
        )
    net = pl.col("spend").round(NET_DIGITS)
    kept = (net > 0) | ((net == 0) & ~pl.col("returned"))
    return occasions.filter(kept).drop("returned")


def _customers(occasions: pl.LazyFrame, plan: Plan, end: Cutoff) -> pl.LazyFrame:
    scale = plan.clock.scale
    if plan.keys is None:  # the occasions in no order
        earliest, latest = pl.Expr.min, pl.Expr.max
        first_spend = pl.col("spend").sort_by("occasion").first()
    else:  # each customer's occasions in order (see _occasions)
        earliest, latest = pl.Expr.first, pl.Expr.last
        first_spend = pl.col("spend").first()
    per = occasions.group_by("customer", maintain_order=plan.keys is not None).agg(
        purchases=pl.len().cast(pl.Int64),
        first_occasion=earliest(pl.col("occasion")),
        last_occasion=latest(pl.col("occasion")),
        first=earliest(pl.col("first")),
        last=latest(pl.col("last")),
        total_spend=pl.col("spend").sum(),
        first_spend=first_spend,
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
