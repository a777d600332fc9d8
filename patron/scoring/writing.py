"""Replacing every customer's score in one go: COPY on PostgreSQL, executemany on SQLite."""

import io

import polars as pl
from django.db import connection, transaction

from patron.scoring.models import CustomerScore

COLUMNS = [
    "customer_id",
    "run_id",
    "purchases",
    "repeat_purchases",
    "first_purchase",
    "last_purchase",
    "weeks_observed",
    "total_spend",
    "recency_score",
    "frequency_score",
    "monetary_score",
    "segment",
    "p_alive",
    "churn_risk",
    "expected_purchases_90d",
    "expected_spend",
    "clv",
    "value_decile",
]
MONEY = ("total_spend", "expected_spend", "clv")


def scores_replace(rows: pl.DataFrame) -> None:
    """Delete every stored score and write `rows` (the COLUMNS, times as UTC Datetimes)."""
    # SQLite keeps UTC times without an offset, as Django writes them.
    moment = "%Y-%m-%d %H:%M:%S%.6f" + ("+00:00" if connection.vendor == "postgresql" else "")
    rows = rows.select(COLUMNS).with_columns(
        *(pl.col(c).round(4).cast(pl.String) for c in MONEY),
        pl.col("first_purchase", "last_purchase").dt.strftime(moment),
    )
    table = CustomerScore._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        if connection.vendor == "postgresql":
            buffer = io.BytesIO()
            rows.write_csv(buffer, include_header=False, null_value="")
            sql = f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN (FORMAT csv)"
            with cursor.cursor.copy(sql) as copy:
                copy.write(buffer.getvalue())
        else:
            marks = ", ".join(["%s"] * len(COLUMNS))
            cursor.executemany(f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({marks})", rows.rows())  # noqa: S608
