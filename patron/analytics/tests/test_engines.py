"""DuckDB and Spark give the summaries Polars gives: on the CDNOW sample and on a generated table
with same-day repeats, returns, free purchases and times on both sides of 1970-01-01."""

import logging
import shutil
from datetime import datetime
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_series_equal

from patron.analytics import summaries
from patron.analytics.frames import BadInput, transactions_frame
from patron.analytics.periods import Clock
from patron.analytics.summaries import summarise

pytestmark = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")

CDNOW = Path(__file__).parent / "data" / "cdnow_sample.csv"
CLOCKS = [
    ("day", "day"),
    ("week", "week"),
    ("month", "month"),
    ("week", "day"),
    ("month", "day"),
    ("week", "exact"),
]
SPEND = ("total_spend", "mean_spend", "spend_holdout")
# Per data set: how Polars reads it, and the windows: none (the observation ends at the latest
# time) or a calibration end (and an observation end).
WINDOWS = {
    "cdnow": ({"time": "date"}, {"calibration_end": "1997-09-30"}),
    "generated": ({}, {"calibration_end": datetime(1970, 3, 15, 12), "observation_end": "1970-12-31"}),
}


def generated(customers=3000, seed=19700101) -> pl.DataFrame:
    """Transactions over the two years 1969-1970.

    Purchases are whole multiples of 5 cents, some free; a customer returns at most once: a
    whole purchase at its own time, or a part of one (not a multiple of 5 cents) up to 40 days
    later. So no occasion nets to zero but by cancelling one purchase exactly, and the sign of
    every net is the same whichever order an engine adds in.
    """
    rng = np.random.default_rng(seed)
    start, span = datetime(1969, 1, 1), 730 * 86_400_000_000
    counts = rng.geometric(0.3, customers)
    owner = np.repeat(np.arange(customers), counts)
    micros = rng.integers(0, span, owner.size)
    # Same-day repeats: a quarter of the purchases have a second one that day, some at the same time.
    again = rng.random(owner.size) < 0.25
    day_start = micros - micros % 86_400_000_000
    repeat = np.where(
        rng.random(again.sum()) < 0.3,
        micros[again],
        day_start[again] + rng.integers(0, 86_400_000_000, again.sum()),
    )
    owner, micros = np.concatenate([owner, owner[again]]), np.concatenate([micros, repeat])
    cents = rng.integers(1, 4000, owner.size) * 5
    cents[rng.random(owner.size) < 0.05] = 0
    # One return for a fifth of the customers, of one of their paid purchases.
    paid = np.flatnonzero(cents > 0)
    chosen = paid[np.unique(owner[paid], return_index=True)[1]]
    chosen = chosen[rng.random(chosen.size) < 0.2]
    whole = rng.random(chosen.size) < 0.5
    part = rng.integers(1, cents[chosen])
    return_cents = -np.where(whole, cents[chosen], part - (part % 5 == 0))
    later = rng.integers(3_600_000_000, 40 * 86_400_000_000, chosen.size)
    return_micros = micros[chosen] + np.where(whole, 0, later)
    owner = np.concatenate([owner, owner[chosen]])
    micros = np.concatenate([micros, return_micros])
    cents = np.concatenate([cents, return_cents])
    frame = pl.DataFrame(
        {
            "customer": [f"c{number:05d}" for number in owner],
            "time": pl.Series(micros, dtype=pl.Int64).cast(pl.Duration("us")) + start,
            "amount": cents / 100,
        }
    )
    extra = pl.DataFrame(
        [
            ("only-returned", datetime(1969, 6, 1, 10), 25.0),
            ("only-returned", datetime(1969, 6, 1, 10), -25.0),
            ("only-free", datetime(1969, 12, 31, 23, 59, 59, 999999), 0.0),
            ("returned-later", datetime(1969, 12, 31, 12), 40.0),
            ("returned-later", datetime(1970, 1, 2, 12), -40.0),
        ],
        schema=frame.schema,
        orient="row",
    )
    return pl.concat([frame, extra]).sample(fraction=1.0, shuffle=True, seed=seed)


@pytest.fixture(scope="module")
def tables():
    cdnow = pl.read_csv(CDNOW)  # dates as YYYYMMDD numbers
    table = generated()
    assert (table["amount"] < 0).sum() > 300 and (table["amount"] == 0).sum() > 300
    return {"cdnow": cdnow, "generated": table}


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("Spark needs Java")
    from pyspark.sql import SparkSession

    # py4j says goodbye at exit, after pytest has closed the stream the root logger writes to.
    logging.getLogger("py4j").setLevel(logging.WARNING)
    session = (
        SparkSession.builder.master("local[1]")
        .appName("patron-engines")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")  # less JIT work
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def spark_tables(spark, tables):
    """The tables in Spark: CDNOW dates as YYYYMMDD numbers, generated times as TIMESTAMP instants."""
    generated = tables["generated"].with_columns(pl.col("time").dt.replace_time_zone("UTC"))
    return {
        "cdnow": spark.createDataFrame(tables["cdnow"].to_arrow()).cache(),
        "generated": spark.createDataFrame(generated.to_arrow()).cache(),
    }


def assert_same(expected: pl.DataFrame, actual: pl.DataFrame):
    assert actual.schema == expected.schema
    for name in expected.columns:
        if name in SPEND:
            assert_series_equal(actual[name], expected[name], check_exact=False, rel_tol=1e-9, abs_tol=0)
        else:
            assert_series_equal(actual[name], expected[name], check_exact=True)


def compare(source, table, name, period, grain, engine, modes=("net", "exclude")):
    columns, windows = WINDOWS[name]
    for returns in modes:
        for window in ({}, windows):
            options = {**columns, "period": period, "grain": grain, "returns": returns, **window}
            expected = summarise(table, **options)
            assert expected.height > 1000
            actual = summarise(source, **options, engine=engine)
            try:
                assert_same(expected, actual)
            except AssertionError as error:
                raise AssertionError(f"{engine} is not polars on {name} with {options}: {error}") from None


@pytest.mark.parametrize("period, grain", CLOCKS)
@pytest.mark.parametrize("name", ["cdnow", "generated"])
def test_duckdb_gives_the_polars_summary(tables, name, period, grain):
    compare(tables[name], tables[name], name, period, grain, "duckdb")


@pytest.mark.parametrize("period, grain", CLOCKS)
@pytest.mark.parametrize("name", ["cdnow", "generated"])
def test_spark_gives_the_polars_summary(tables, spark_tables, name, period, grain):
    # CDNOW has no returns, so excluding them changes nothing there: half the Spark runs.
    modes = ("net",) if name == "cdnow" else ("net", "exclude")
    if name == "cdnow":
        assert tables[name]["amount"].min() >= 0
    compare(spark_tables[name], tables[name], name, period, grain, "spark", modes)


@pytest.mark.parametrize("period, grain", CLOCKS)
@pytest.mark.parametrize("spread", [1, 2**50], ids=["packed", "too-far-apart-to-pack"])
def test_numbered_customers_give_the_summary_of_named_ones(tables, period, grain, spread):
    """Integer customer ids are grouped on keys packing the id and the occasion (sorted, not
    hashed) where those fit in 62 bits: the summaries are those of the same customers under
    names, with either way of counting returns, with or without a calibration end, whole or in
    buckets. Ids too far apart to pack are hashed, with the same result."""
    named = tables["generated"]
    number = {name: rank * spread for rank, name in enumerate(named["customer"].unique().sort().to_list())}
    numbered = named.with_columns(pl.col("customer").replace_strict(number, return_dtype=pl.Int64))
    rows = transactions_frame(numbered, customer="customer", time="time", amount="amount")
    plan = summaries._framed(rows, Clock.of(period, grain), None, None, "net", "amount", None)[1]
    assert (plan.keys is not None) == (spread == 1)
    columns, windows = WINDOWS["generated"]
    for returns in ("net", "exclude"):
        for window in ({}, windows):
            options = {**columns, "period": period, "grain": grain, "returns": returns, **window}
            expected = summarise(named, **options).with_columns(
                pl.col("customer").replace_strict(number, return_dtype=pl.Int64)
            )
            for buckets in (1, 3):
                assert_same(expected, summarise(numbered, **options, buckets=buckets))


def test_the_generated_table_has_what_it_promises(tables):
    summary = summarise(tables["generated"], period="day").filter(pl.col("customer").str.contains("-"))
    rows = {row["customer"]: row for row in summary.iter_rows(named=True)}
    assert "only-returned" not in rows
    assert rows["only-free"]["purchases"] == 1 and rows["only-free"]["total_spend"] == 0
    assert rows["returned-later"]["purchases"] == 1 and rows["returned-later"]["total_spend"] == 40
    assert summarise(tables["generated"], period="day")["first"].min() < datetime(1970, 1, 1)


def test_spark_reads_dates_timestamps_and_strings(spark, tables):
    """A TIMESTAMP or a string with an offset is an instant, read in `tz` whatever the session's
    time zone; dates, naive timestamps and other strings are wall times."""
    table = tables["generated"].filter(pl.col("customer") < "c00300")
    times = pl.col("naive")
    instant = times.dt.replace_time_zone("UTC")
    polars = table.rename({"time": "naive"}).with_columns(
        instant=instant,
        day=times.dt.date(),
        iso=times.dt.to_string("%Y-%m-%dT%H:%M:%S%.6f"),
        compact=times.dt.to_string("%Y%m%d"),
        offset=instant.dt.convert_time_zone("Asia/Kolkata").dt.to_string("%Y-%m-%d %H:%M:%S%.6f%:z"),
    )
    # Naive Arrow timestamps arrive as TIMESTAMP; in a UTC session a cast gives back the wall times.
    source = spark.createDataFrame(polars.drop("naive").to_arrow())
    source = source.withColumn("naive", source["instant"].cast("timestamp_ntz"))
    assert dict(source.dtypes[2:]) == {
        "instant": "timestamp",
        "day": "date",
        "iso": "string",
        "compact": "string",
        "offset": "string",
        "naive": "timestamp_ntz",
    }
    new_york = "America/New_York"
    for column, grain, tz, session in [
        ("naive", "exact", None, "UTC"),
        ("instant", "exact", new_york, "UTC"),
        ("instant", "exact", new_york, "Asia/Tokyo"),
        ("offset", "exact", new_york, "Europe/Paris"),
        ("day", "day", None, "UTC"),
        ("iso", "exact", None, "UTC"),
        ("compact", "day", None, "UTC"),
    ]:
        options = {"period": "week", "grain": grain, "tz": tz, "calibration_end": "1970-06-30"}
        expected = summarise(polars.rename({"instant" if column == "offset" else column: "time"}), **options)
        spark.conf.set("spark.sql.session.timeZone", session)
        try:
            assert_same(expected, summarise(source, time=column, **options))
        finally:
            spark.conf.set("spark.sql.session.timeZone", "UTC")


def test_a_wrong_column_is_refused_by_every_engine(spark, tables):
    table = tables["cdnow"].head(50)
    for engine in ("polars", "duckdb"):
        with pytest.raises(BadInput, match="'when'"):
            summarise(table, time="when", engine=engine)
    source = spark.createDataFrame(table.to_arrow())
    with pytest.raises(BadInput, match="'when'.*the columns are customer, date, cds, amount"):
        summarise(source, time="when")
    with pytest.raises(BadInput, match="'spent'"):
        summarise(source, time="date", amount="spent")


def test_every_engine_names_the_customer_column_as_given(spark, tables):
    table = tables["cdnow"].head(200).rename({"customer": "client", "date": "day", "amount": "spent"})
    options = {"customer": "client", "time": "day", "amount": "spent", "calibration_end": "1997-03-31"}
    expected = summarise(table, **options)
    assert expected.columns[0] == "client"
    assert_same(expected, summarise(table, **options, engine="duckdb"))
    assert_same(expected, summarise(spark.createDataFrame(table.to_arrow()), **options))


def test_spark_refuses_rows_without_a_customer_time_or_amount(spark):
    source = spark.createDataFrame(
        [
            ("a", "2024-01-01", 1.0),
            (None, "2024-01-02", 2.0),
            ("b", "not a day", None),
            ("c", "2024-01-03", float("nan")),
        ],
        "customer string, time string, amount double",
    )
    with pytest.raises(BadInput) as refusal:
        summarise(source)
    told = "1 rows without a customer; 1 rows whose time is not a date; 2 rows without an amount."
    assert str(refusal.value) == told
