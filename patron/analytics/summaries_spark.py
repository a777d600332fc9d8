"""The per-customer summary (see `summaries`) of a Spark DataFrame, with the DataFrame API.

The transactions stay in Spark; the per-customer result comes back as a Polars frame, the
same as `polars_summary` gives. Times may be dates, timestamps or ISO / YYYYMMDD strings. A
Spark TIMESTAMP, or a string with a UTC offset, is an instant and is read as the wall time in
`tz` (UTC by default), whatever the session time zone; the other kinds are wall times already.
"""

import polars as pl
from pyspark.sql import Column, DataFrame, types
from pyspark.sql import functions as F

from patron.analytics.frames import BadInput, refuse_bad_rows
from patron.analytics.summaries import NET_DIGITS, Plan, make_plan, summary_dtypes


def spark_summary(
    source: DataFrame,
    *,
    clock,
    customer="customer",
    time="time",
    amount="amount",
    observation_end=None,
    calibration_end=None,
    returns="net",
    tz=None,
) -> pl.DataFrame:
    rows = _transactions(source, customer, time, amount, tz)
    latest = _checked(rows)
    plan = make_plan(clock, latest, observation_end, calibration_end, returns, amount, tz)
    result = pl.from_arrow(_summary(rows, plan).toArrow())
    result = result.cast(summary_dtypes(plan)).sort("customer")
    return result.rename({"customer": customer}) if customer != "customer" else result


def _transactions(source: DataFrame, customer, time, amount, tz) -> DataFrame:
    names = source.columns
    missing = [c for c in (customer, time, amount) if c is not None and c not in names]
    if missing:
        raise BadInput(
            f"No column {', '.join(repr(c) for c in missing)}; the columns are {', '.join(names)}."
        )
    spend = F.lit(0.0) if amount is None else F.col(amount).try_cast("double")
    return source.select(
        F.col(customer).alias("customer"),
        _as_timestamp(source, time, tz).alias("time"),
        spend.alias("amount"),
    )


def _as_timestamp(source: DataFrame, name: str, tz) -> Column:
    """A naive (TIMESTAMP_NTZ) wall time; instants (TIMESTAMP, strings with an offset) are read in `tz`."""
    dtype = source.schema[name].dataType
    column = F.col(name)
    if isinstance(dtype, types.TimestampNTZType):
        return column
    if isinstance(dtype, types.DateType):
        return column.cast("timestamp_ntz")
    if isinstance(dtype, types.TimestampType):
        return _wall_time(column, tz)
    if isinstance(dtype, types.IntegralType):
        return F.try_to_date(column.cast("string"), "yyyyMMdd").cast("timestamp_ntz")
    if isinstance(dtype, types.StringType):
        return (
            F.when(column.rlike(r"^\d{8}$"), F.try_to_date(column, "yyyyMMdd").cast("timestamp_ntz"))
            .when(column.rlike(r"[T ]\d.*(Z|[+-]\d\d:?\d\d)$"), _wall_time(column.try_cast("timestamp"), tz))
            .otherwise(column.try_cast("timestamp_ntz"))
        )
    raise BadInput(f"Column {name!r} holds {dtype.simpleString()}, not dates or times.")


def _wall_time(instant: Column, tz) -> Column:
    """The wall time in `tz` of a TIMESTAMP, whatever the session time zone."""
    utc = F.timestamp_add("MICROSECOND", F.unix_micros(instant), _moment("1970-01-01"))
    return F.convert_timezone(F.lit("UTC"), F.lit(tz or "UTC"), utc)


def _checked(rows: DataFrame):
    """The latest time, after making sure that no row lacks a customer, a time or an amount."""
    amount = F.col("amount")
    bad_amount = amount.isNull() | F.isnan(amount) | (F.abs(amount) == float("inf"))
    counts = rows.agg(
        F.count_if(F.col("customer").isNull()).alias("customer"),
        F.count_if(F.col("time").isNull()).alias("time"),
        F.count_if(bad_amount).alias("amount"),
        F.max("time").alias("latest"),
    ).first()
    refuse_bad_rows(counts)
    return counts["latest"]


def _summary(rows: DataFrame, plan: Plan) -> DataFrame:
    scale = F.lit(plan.clock.scale)
    rows = rows.withColumn("occasion", _occasion(plan.clock.grain))
    if plan.returns == "exclude":
        rows = rows.where(F.col("amount") >= 0)
    first_end = plan.calibration_end or plan.end
    inside = _occasions(rows.where(F.col("time") <= _moment(first_end.last)))
    x = F.col("purchases") - 1
    summary = (
        inside.groupBy("customer")
        .agg(
            F.count("*").alias("purchases"),
            F.min("occasion").alias("first_occasion"),
            F.max("occasion").alias("last_occasion"),
            F.min("first").alias("first"),
            F.max("last").alias("last"),
            F.sum("spend").alias("total_spend"),
            F.min_by("spend", "occasion").alias("first_spend"),
        )
        .select(
            "customer",
            x.alias("x"),
            ((F.col("last_occasion") - F.col("first_occasion")) * scale).alias("t_x"),
            ((F.lit(first_end.position) - F.col("first_occasion")) * scale).alias("T"),
            "first",
            "last",
            "purchases",
            "total_spend",
            F.when(x > 0, (F.col("total_spend") - F.col("first_spend")) / x)
            .otherwise(0.0)
            .alias("mean_spend"),
        )
    )
    if plan.calibration_end is None:
        return summary
    later = rows.where((F.col("time") > _moment(first_end.last)) & (F.col("time") <= _moment(plan.end.last)))
    holdout = (
        _occasions(later)
        .groupBy("customer")
        .agg(F.count("*").alias("x_holdout"), F.avg("spend").alias("spend_holdout"))
    )
    return summary.join(holdout, on="customer", how="left").select(
        *summary.columns,
        F.coalesce("x_holdout", F.lit(0)).alias("x_holdout"),
        F.coalesce("spend_holdout", F.lit(0.0)).alias("spend_holdout"),
        F.lit((plan.end.position - first_end.position) * plan.clock.scale).alias("duration_holdout"),
    )


def _occasion(grain: str) -> Column:
    """`Clock.occasion` for a TIMESTAMP_NTZ column."""
    if grain == "exact":
        return F.timestamp_diff("MICROSECOND", _moment("1970-01-01"), F.col("time"))
    days = F.unix_date(F.col("time").cast("date"))
    if grain == "day":
        return days.cast("long")
    if grain == "week":
        return F.floor((days + 3) / 7)  # 1970-01-01 was a Thursday; weeks start on Monday
    return F.year("time").cast("long") * 12 + F.month("time") - 1


def _occasions(rows: DataFrame) -> DataFrame:
    occasions = rows.groupBy("customer", "occasion").agg(
        F.sum("amount").alias("spend"),
        F.bool_or(F.col("amount") < 0).alias("returned"),
        F.min("time").alias("first"),
        F.max("time").alias("last"),
    )
    net = F.round(F.col("spend"), NET_DIGITS)
    return occasions.where((net > 0) | ((net == 0) & ~F.col("returned"))).drop("returned")


def _moment(value) -> Column:
    """A TIMESTAMP_NTZ literal (a naive datetime or an ISO string), whatever the session time zone."""
    return F.lit(value if isinstance(value, str) else value.isoformat()).cast("timestamp_ntz")
