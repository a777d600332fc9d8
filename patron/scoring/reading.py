"""The orders every score is computed from, read in bulk into a Polars frame.

The orders that count in net spend (:mod:`patron.sales.rules`): a completed order counts at
its total in the base currency; a return (its own document, status "returned") counts negative
on its day, so it nets against that day's purchases; cancelled and refunded orders do not count.
"""

import io

import polars as pl
from django.db import connection

from patron.sales.models import Order
from patron.sales.rules import net_amount_sql, net_spend_sql

SCHEMA = {"customer": pl.Int64, "time": pl.Int64, "amount": pl.Float64}


def orders_frame() -> pl.DataFrame:
    """customer, time (UTC Datetime), amount (base currency) of every order that counts."""
    table = Order._meta.db_table
    signed, counted = net_amount_sql(), net_spend_sql()
    if connection.vendor == "postgresql":
        micros = "(extract(epoch FROM placed_at) * 1000000)::bigint"
        query = f"SELECT customer_id, {micros}, {signed} FROM {table} WHERE {counted}"  # noqa: S608
        sql = f"COPY ({query}) TO STDOUT"
        buffer = io.BytesIO()
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for block in copy:
                buffer.write(block)
        frame = (
            pl.read_csv(
                buffer.getvalue(),
                separator="\t",
                has_header=False,
                new_columns=list(SCHEMA),
                schema_overrides=SCHEMA,
            )
            if buffer.tell()
            else pl.DataFrame(schema=SCHEMA)
        )
        return frame.with_columns(pl.col("time").cast(pl.Datetime("us", "UTC")))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT customer_id, CAST(placed_at AS TEXT), CAST({signed} AS REAL) FROM {table} "  # noqa: S608
            f"WHERE {counted}"
        )
        rows = cursor.fetchall()
    frame = pl.DataFrame(
        rows, schema={"customer": pl.Int64, "time": pl.String, "amount": pl.Float64}, orient="row"
    )
    return frame.with_columns(pl.col("time").str.to_datetime(time_unit="us").dt.replace_time_zone("UTC"))
