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
    "value_at_risk",
    "value_decile",
]
MONEY = ("total_spend", "expected_spend", "clv", "value_at_risk")


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
        if connection.vendor == "postgresql":
            _copy_replace(cursor, table, rows)
        else:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608
            marks = ", ".join(["%s"] * len(COLUMNS))
            cursor.executemany(f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({marks})", rows.rows())  # noqa: S608


# The score table's indexes other than its key, and its foreign keys, with their definitions.
SECONDARY = """
    SELECT 'index', c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    WHERE i.indrelid = %(table)s::regclass AND NOT i.indisprimary AND NOT i.indisunique
    UNION ALL
    SELECT 'key', conname, pg_get_constraintdef(oid) FROM pg_constraint
    WHERE conrelid = %(table)s::regclass AND contype = 'f'
"""


def _copy_replace(cursor, table, rows):
    """TRUNCATE, COPY, then the indexes and foreign keys built again in one pass each: five
    times faster at a million rows than COPY into the indexed table with a check per row.
    Readers of the score table wait for the transaction (about ten seconds at a million)."""
    # Checks still pending in an enclosing transaction would forbid the DDL: run them now.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute(f"TRUNCATE {table}")
    cursor.execute(SECONDARY, {"table": table})
    secondary = cursor.fetchall()
    for kind, name, _definition in secondary:
        cursor.execute(
            f'DROP INDEX "{name}"' if kind == "index" else f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'
        )
    buffer = io.BytesIO()
    rows.write_csv(buffer, include_header=False, null_value="")
    with cursor.cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN (FORMAT csv)") as copy:
        copy.write(buffer.getvalue())
    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    for kind, name, definition in secondary:
        cursor.execute(
            definition if kind == "index" else f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
        )
