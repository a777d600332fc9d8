"""Summaries from transaction tables: occasions, periods, returns, windows, inputs, refusals, buckets."""

from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from polars.testing import assert_frame_equal

from patron.analytics import BadInput, summaries, summarise
from patron.analytics.frames import transactions_frame
from patron.analytics.summaries import default_buckets

SUMS = ("total_spend", "mean_spend", "spend_holdout")

# Ann buys on Mon 1 Jan 2024 (twice), Wed 3 Jan, Mon 15 Jan and Thu 1 Feb; returns 5 of the 15 Jan
# purchase the same day. Bo buys once and returns it all the same day. Cy gets a free sample
# (amount 0) and then buys.
ROWS = [
    ("ann", datetime(2024, 1, 1, 9), 10.0),
    ("ann", datetime(2024, 1, 1, 17), 30.0),
    ("ann", datetime(2024, 1, 3, 12), 20.0),
    ("ann", datetime(2024, 1, 15, 10), 25.0),
    ("ann", datetime(2024, 1, 15, 16), -5.0),
    ("ann", datetime(2024, 2, 1, 8), 60.0),
    ("bo", datetime(2024, 1, 10, 10), 40.0),
    ("bo", datetime(2024, 1, 10, 11), -40.0),
    ("cy", datetime(2024, 1, 8, 10), 0.0),
    ("cy", datetime(2024, 1, 22, 10), 15.0),
]


@pytest.fixture
def orders():
    return pl.DataFrame(ROWS, schema=["customer", "time", "amount"], orient="row")


def by_customer(summary):
    return {row["customer"]: row for row in summary.iter_rows(named=True)}


def test_days_count_one_occasion_a_day_and_net_the_returns(orders):
    rows = by_customer(summarise(orders, period="day", observation_end=date(2024, 2, 29)))
    ann = rows["ann"]
    assert (ann["x"], ann["t_x"], ann["T"], ann["purchases"]) == (3, 31.0, 59.0, 4)
    assert ann["total_spend"] == pytest.approx(140.0)
    assert ann["mean_spend"] == pytest.approx((20 + 20 + 60) / 3)
    assert (ann["first"], ann["last"]) == (datetime(2024, 1, 1, 9), datetime(2024, 2, 1, 8))
    assert "bo" not in rows  # returned in full: never a purchase
    cy = rows["cy"]
    assert (cy["x"], cy["t_x"], cy["mean_spend"]) == (1, 14.0, 15.0)  # the free sample was the first purchase


def test_excluded_returns_count_purchases_at_their_gross_amount(orders):
    rows = by_customer(summarise(orders, period="day", returns="exclude", observation_end=date(2024, 2, 29)))
    assert rows["ann"]["total_spend"] == pytest.approx(145.0)
    assert (rows["bo"]["x"], rows["bo"]["total_spend"]) == (0, 40.0)


def test_weeks_start_on_monday_and_count_whole_weeks(orders):
    rows = by_customer(summarise(orders, period="week", observation_end=date(2024, 2, 29)))
    # weeks of 1 Jan (two days), 15 Jan, 29 Jan (Thu 1 Feb); the end is in the week of 26 Feb
    assert (rows["ann"]["x"], rows["ann"]["t_x"], rows["ann"]["T"]) == (2, 4.0, 8.0)
    assert rows["ann"]["mean_spend"] == pytest.approx(40.0)


def test_days_measured_in_weeks_keep_fractions(orders):
    rows = by_customer(summarise(orders, period="week", grain="day", observation_end=date(2024, 2, 29)))
    assert rows["ann"]["x"] == 3
    assert rows["ann"]["t_x"] == pytest.approx(31 / 7)
    assert rows["ann"]["T"] == pytest.approx(59 / 7)


def test_months_count_calendar_months(orders):
    rows = by_customer(summarise(orders, period="month", observation_end=date(2024, 3, 31)))
    assert (rows["ann"]["x"], rows["ann"]["t_x"], rows["ann"]["T"]) == (1, 1.0, 2.0)
    assert rows["cy"]["x"] == 0


def test_exact_grain_counts_every_moment(orders):
    rows = by_customer(
        summarise(orders, period="day", grain="exact", observation_end=datetime(2024, 2, 1, 8))
    )
    assert rows["ann"]["x"] == 4  # 1 Jan 9:00, 17:00, 3 Jan, 15 Jan (net 20), 1 Feb: five occasions
    assert rows["ann"]["T"] == pytest.approx(
        (datetime(2024, 2, 1, 8) - datetime(2024, 1, 1, 9)).total_seconds() / 86400
    )
    assert rows["ann"]["t_x"] == rows["ann"]["T"]


def test_the_observation_end_cuts_later_purchases_and_defaults_to_the_last(orders):
    cut = by_customer(summarise(orders, period="day", observation_end="2024-01-15"))
    assert (cut["ann"]["x"], cut["ann"]["T"]) == (2, 14.0)
    assert "bo" not in cut
    latest = by_customer(summarise(orders, period="day"))
    assert latest["ann"]["T"] == 31.0


def test_calibration_and_holdout(orders):
    rows = by_customer(
        summarise(orders, period="day", calibration_end="2024-01-10", observation_end="2024-02-29")
    )
    ann = rows["ann"]
    assert (ann["x"], ann["T"], ann["x_holdout"], ann["duration_holdout"]) == (1, 9.0, 2, 50.0)
    assert ann["spend_holdout"] == pytest.approx(40.0)
    assert rows["cy"]["x_holdout"] == 1
    assert set(rows) == {"ann", "cy"}  # only customers who bought in calibration


def test_zoned_times_are_counted_in_the_given_zone():
    frame = pl.DataFrame(
        {
            "customer": ["a", "a"],
            "time": [datetime(2024, 1, 1, 10, tzinfo=UTC), datetime(2024, 1, 1, 20, tzinfo=UTC)],
            "amount": [1.0, 2.0],
        }
    )
    assert summarise(frame, period="day")["x"][0] == 0
    assert summarise(frame, period="day", tz="Asia/Bangkok")["x"][0] == 1  # 20:00 UTC is the 2nd in Bangkok


def test_every_kind_of_input_gives_the_same_summary(orders, tmp_path):
    expected = summarise(orders, period="day")
    parquet, csv = tmp_path / "orders.parquet", tmp_path / "orders.csv"
    orders.write_parquet(parquet)
    orders.with_columns(pl.col("time").dt.strftime("%Y-%m-%dT%H:%M:%S")).write_csv(csv)
    for source in (orders.lazy(), orders.to_pandas(), orders.to_arrow(), parquet, str(csv)):
        assert summarise(source, period="day").equals(expected), type(source)
    assert isinstance(orders.to_arrow(), pa.Table) and isinstance(orders.to_pandas(), pd.DataFrame)


def test_csv_dates_may_be_yyyymmdd(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("id,day,total\n7,20240101,10\n7,20240108,5\n")
    summary = summarise(path, customer="id", time="day", amount="total", period="week")
    assert summary.row(0, named=True)["id"] == 7
    assert (summary["x"][0], summary["t_x"][0]) == (1, 1.0)


def test_without_amounts_every_occasion_is_a_purchase(orders):
    summary = summarise(orders, amount=None, period="day")
    assert set(summary["customer"]) == {"ann", "bo", "cy"}
    assert summary.filter(pl.col("customer") == "ann")["x"][0] == 3


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"customer": "client"}, "No column 'client'"),
        ({"period": "year"}, "Period 'year'"),
        ({"period": "week", "grain": "month"}, "A month grain does not divide a week"),
        ({"returns": "keep"}, "returns='keep'"),
        ({"observation_end": "31/01/2024"}, "is not an ISO date"),
        (
            {"calibration_end": "2024-03-01", "observation_end": "2024-02-01"},
            "is not before the observation end",
        ),
        ({"engine": "pandas"}, "Engine 'pandas'"),
    ],
)
def test_bad_arguments_are_refused_with_a_reason(orders, change, message):
    with pytest.raises(BadInput, match=message):
        summarise(orders, **change)


def test_bad_rows_are_refused_with_a_count(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("customer,time,amount\na,2024-01-01,10\n,2024-01-02,5\nb,yesterday,3\nc,2024-01-03,\n")
    with pytest.raises(BadInput) as refused:
        summarise(path)
    assert (
        str(refused.value)
        == "1 rows without a customer; 1 rows whose time is not a date; 1 rows without an amount."
    )


def test_no_rows_and_unreadable_files_are_refused(tmp_path, orders):
    with pytest.raises(BadInput, match="no transactions"):
        summarise(orders.clear())
    (tmp_path / "orders.xlsx").write_bytes(b"PK")
    with pytest.raises(BadInput, match="give a Parquet or CSV file"):
        summarise(tmp_path / "orders.xlsx")
    with pytest.raises(BadInput, match="No file"):
        summarise(tmp_path / "missing.csv")
    with pytest.raises(BadInput, match="Cannot read transactions from a list"):
        summarise([1, 2])


@pytest.mark.parametrize("engine", ["polars", "duckdb"])
@pytest.mark.parametrize("amounts", [[0.10, 0.20, -0.30], [-0.30, 0.10, 0.20]])
def test_returns_that_cancel_a_day_cancel_it_whatever_the_rounding(engine, amounts):
    frame = pl.DataFrame(
        {
            "customer": ["a"] * 4,
            "time": [
                datetime(2024, 1, 1, 9),
                datetime(2024, 1, 1, 10),
                datetime(2024, 1, 1, 11),
                datetime(2024, 1, 5),
            ],
            "amount": [*amounts, 5.0],
        }
    )
    row = summarise(frame, period="day", engine=engine).row(0, named=True)
    assert (row["purchases"], row["total_spend"]) == (1, 5.0)


def test_iso_times_with_offsets_are_instants():
    frame = pl.DataFrame(
        {
            "customer": [1, 1],
            "time": ["2024-01-01T23:30:00+07:00", "2024-01-01T17:30:00Z"],  # the 1st and the 2nd in Bangkok
            "amount": [1.0, 2.0],
        }
    )
    assert summarise(frame, period="day", tz="Asia/Bangkok").row(0, named=True)["x"] == 1
    assert summarise(frame, period="day").row(0, named=True)["x"] == 0  # both on the 1st in UTC


def test_impossible_dates_are_counted_not_crashed():
    frame = pl.DataFrame({"customer": [1, 1], "time": [19970231, 19970301], "amount": [1.0, 1.0]})
    with pytest.raises(BadInput, match="1 rows whose time is not a date"):
        summarise(frame)


def generated_log(ids: str) -> pl.DataFrame:
    """3,000 rows of 400 customers over 2023, a tenth of them returns, 30 returns that cancel a
    purchase outright, and one customer whose only purchase, in March 2024, is the latest."""
    rng = np.random.default_rng(7)
    rows = 3000
    who = rng.integers(0, 400, rows)
    seconds = rng.integers(0, 365 * 86_400, rows)
    amount = np.round(rng.gamma(2.0, 20.0, rows), 2)
    amount = np.where(rng.random(rows) < 0.1, -amount, amount)
    cancelled = rng.choice(rows, 30, replace=False)
    who = np.concatenate([who, who[cancelled], [400]])
    seconds = np.concatenate([seconds, seconds[cancelled], [425 * 86_400]])
    amount = np.concatenate([amount, -np.abs(amount[cancelled]), [12.5]])
    return pl.DataFrame(
        {
            "customer": who if ids == "int" else [f"c{n}" for n in who],
            "time": np.datetime64("2023-01-01T00:00:00", "us") + seconds.astype("timedelta64[s]"),
            "amount": amount,
        }
    )


def assert_same_summary(left: pl.DataFrame, right: pl.DataFrame):
    """The same rows in the same order with the same values, but for the last bits of the spend
    sums: Polars adds a customer's occasions in whatever order its threads meet them, so two
    runs of one unbucketed summary differ there too."""
    sums = [name for name in SUMS if name in left.columns]
    assert left.drop(sums).equals(right.drop(sums))
    assert_frame_equal(left.select(sums), right.select(sums), rel_tol=1e-12, abs_tol=1e-12)


@pytest.mark.parametrize(
    ("dtype", "offset"),
    [(pl.Int8, -128), (pl.UInt8, 0), (pl.Int16, -30_000), (pl.Int32, 5), (pl.UInt64, 2**63 + 7)],
    ids=["Int8", "UInt8", "Int16", "Int32", "UInt64-beyond-Int64"],
)
def test_integer_ids_of_every_width_give_the_summary_of_their_names(dtype, offset):
    """Integer ids are grouped on keys packed from their distance to the least id: ids of any
    width and sign, down to a type's least and up to its largest, keep their type and values,
    and the summaries are those of the same customers named as text."""
    log = generated_log("int").filter(pl.col("customer") < 120)
    named = summarise(log.with_columns(pl.col("customer").cast(pl.String)), period="day")
    ids = pl.col("customer").cast(dtype) + pl.lit(offset, dtype)
    numbered = summarise(log.with_columns(ids), period="day")
    assert numbered["customer"].dtype == dtype
    expected = named.with_columns(number=pl.col("customer").cast(pl.Int64)).sort("number")
    assert numbered["customer"].to_list() == [number + offset for number in expected["number"]]
    assert_same_summary(numbered.drop("customer"), expected.drop("customer", "number"))


def written(frame: pl.DataFrame, directory, kind: str):
    path = directory / f"log.{kind}"
    if kind == "parquet":
        frame.write_parquet(path, row_group_size=500)
    else:
        frame.with_columns(pl.col("time").dt.strftime("%Y-%m-%dT%H:%M:%S")).write_csv(path)
    return path


@pytest.mark.parametrize("kind", ["parquet", "csv"])
@pytest.mark.parametrize("ids", ["int", "string"])
@pytest.mark.parametrize(
    "options",
    [
        {"period": "day"},  # the observation end is the latest time of the whole log, in one bucket
        {"period": "week", "calibration_end": "2023-09-30"},
        {"period": "week", "grain": "day", "returns": "exclude", "observation_end": "2023-12-31"},
    ],
)
def test_buckets_give_the_summary_of_one_bucket(tmp_path, kind, ids, options):
    path = written(generated_log(ids), tmp_path, kind)
    whole = summarise(path, buckets=1, **options)
    assert whole.height > 300
    for buckets in (2, 5):
        assert_same_summary(summarise(path, buckets=buckets, **options), whole)


def test_buckets_count_zoned_times_in_the_given_zone(tmp_path):
    frame = generated_log("int").with_columns(pl.col("time").dt.replace_time_zone("UTC"))
    path = written(frame, tmp_path, "parquet")
    whole = summarise(path, period="day", tz="Asia/Bangkok", buckets=1)
    assert_same_summary(summarise(path, period="day", tz="Asia/Bangkok", buckets=3), whole)
    assert not summarise(path, period="day", buckets=3).drop(SUMS[:2]).equals(whole.drop(SUMS[:2]))


@pytest.mark.parametrize("kind", ["parquet", "csv"])
def test_buckets_refuse_the_bad_rows_of_the_whole_log(tmp_path, kind):
    frame = generated_log("string").with_columns(
        customer=pl.when(pl.int_range(pl.len()) % 500 == 1).then(None).otherwise(pl.col("customer")),
        amount=pl.when(pl.int_range(pl.len()) % 700 == 2).then(None).otherwise(pl.col("amount")),
    )
    path = written(frame, tmp_path, kind)
    told = []
    for buckets in (1, 4):
        with pytest.raises(BadInput) as refused:
            summarise(path, buckets=buckets)
        told.append(str(refused.value))
    assert told == ["7 rows without a customer; 5 rows without an amount."] * 2


def test_files_get_a_bucket_per_rows_a_bucket_and_frames_one(tmp_path, monkeypatch, orders):
    path = written(generated_log("int"), tmp_path, "parquet")
    rows = transactions_frame(path, customer="customer", time="time")
    monkeypatch.setattr(summaries, "ROWS_A_BUCKET", 1000)
    assert default_buckets(path, rows) == 4  # 3,031 rows
    assert default_buckets(str(path), rows) == 4
    assert default_buckets(orders, orders.lazy()) == 1


@pytest.mark.parametrize(("buckets", "engine"), [(0, "polars"), (2.5, "polars"), (2, "duckdb")])
def test_buckets_must_be_a_whole_number_for_polars(orders, buckets, engine):
    with pytest.raises(BadInput, match="give a whole number, at least 1, with the Polars engine"):
        summarise(orders, buckets=buckets, engine=engine)
