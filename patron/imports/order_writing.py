"""Writing many new orders at once, through the database's own bulk path.

An import of millions of rows cannot afford the ORM's object per row. New orders and their
lines go in with one ``executemany`` (SQLite) or ``COPY`` (PostgreSQL) per batch, inside the
batch's transaction. Order ids are taken up front (from the identity sequence on
PostgreSQL; after the highest id on SQLite, whose write lock the transaction already holds),
so the lines can name their order without reading anything back.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import polars as pl
from django.db import connection

from patron.bulk import new_ids
from patron.sales.models import Order, OrderLine

ORDER_COLUMNS = (
    "id",
    "customer_id",
    "source",
    "external_id",
    "fingerprint",
    "placed_at",
    "status",
    "channel",
    "currency",
    "total",
    "total_base",
    "exchange_rate",
    "created_at",
)
PLAIN_COLUMNS = ORDER_COLUMNS[1:]  # no lines to link: the database numbers the orders
LINE_COLUMNS = ("order_id", "product_id", "quantity", "unit_price")


@dataclass(slots=True)
class NewOrder:
    customer_id: int
    source: str
    external_id: str
    fingerprint: str
    placed_at: datetime
    status: str
    channel: str
    currency: str
    total: Decimal
    total_base: Decimal
    exchange_rate: Decimal
    lines: list[tuple[int, Decimal, Decimal]]  # (product id, quantity, unit price)


def _columns(model, names):
    fields = {field.attname: field for field in model._meta.fields}
    return ", ".join(connection.ops.quote_name(fields[name].column) for name in names)


def insert_orders(orders: list[NewOrder]):
    """Insert ``orders`` and their lines; call inside a transaction."""
    if not orders:
        return
    ids = new_ids(Order, len(orders))
    if connection.vendor == "postgresql":
        now = datetime.now(UTC)
        order_rows = [
            (i, o.customer_id, o.source, o.external_id, o.fingerprint, o.placed_at, o.status, o.channel)
            + (o.currency, o.total, o.total_base, o.exchange_rate, now)
            for i, o in zip(ids, orders, strict=True)
        ]
        line_rows = [(i, *line) for i, o in zip(ids, orders, strict=True) for line in o.lines]
        _copy(Order, ORDER_COLUMNS, order_rows)
        _copy(OrderLine, LINE_COLUMNS, line_rows)
        return
    # SQLite: values as Django stores them there, naive UTC date-times and decimals as text.
    now = _sqlite_time(datetime.now(UTC))
    order_rows = [
        (i, o.customer_id, o.source, o.external_id, o.fingerprint, _sqlite_time(o.placed_at), o.status)
        + (o.channel, o.currency, str(o.total), str(o.total_base), str(o.exchange_rate), now)
        for i, o in zip(ids, orders, strict=True)
    ]
    line_rows = [
        (i, product, str(quantity), str(price))
        for i, o in zip(ids, orders, strict=True)
        for product, quantity, price in o.lines
    ]
    _executemany(Order, ORDER_COLUMNS, order_rows)
    _executemany(OrderLine, LINE_COLUMNS, line_rows)


def _sqlite_time(moment):
    """ "2024-03-05 07:20:00" in UTC, as Django writes an aware date-time into SQLite."""
    return moment.astimezone(UTC).isoformat(" ")[:-6]


def plain_order_rows(frame: pl.DataFrame, *, source: str, currency: str):
    """The plain orders of :mod:`patron.imports.order_columns` as the database takes them in bulk.

    ``frame`` has ``customer_id``, ``order_id``, ``placed_at`` (aware UTC), ``status``,
    ``channel`` and ``total`` (digits as written, which both databases store exactly); the
    orders are in the base currency and have no lines. For PostgreSQL the result is the
    text of a CSV ``COPY``, for SQLite the rows of an ``executemany``. It needs no database
    connection, so it can be made ahead (see :mod:`patron.imports.batches`).
    """
    now = datetime.now(UTC)
    postgres = connection.vendor == "postgresql"
    moment = "%Y-%m-%d %H:%M:%S%.f+00" if postgres else "%Y-%m-%d %H:%M:%S"
    rows = frame.select(
        "customer_id",
        source=pl.lit(source),
        external_id="order_id",
        fingerprint=pl.lit(""),
        placed_at=pl.col("placed_at").dt.strftime(moment),
        status="status",
        channel="channel",
        currency=pl.lit(currency),
        total="total",
        total_base="total",
        exchange_rate=pl.lit("1"),
        created_at=pl.lit(now.isoformat(" ") if postgres else _sqlite_time(now)),
    )
    if postgres:
        # Quoted, so that an empty text is '' and never NULL.
        return rows.write_csv(include_header=False, quote_style="always")
    return rows.rows()


def insert_plain_orders(rows):
    """Insert what :func:`plain_order_rows` made; call inside a transaction."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Order._meta.db_table)
        sql = f"COPY {table} ({_columns(Order, PLAIN_COLUMNS)}) FROM STDIN (FORMAT csv)"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            copy.write(rows)
    else:
        _executemany(Order, PLAIN_COLUMNS, rows)


def _copy(model, names, rows):
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"COPY {table} ({_columns(model, names)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def _executemany(model, names, rows):
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    marks = ", ".join("?" * len(names))
    sql = f"INSERT INTO {table} ({_columns(model, names)}) VALUES ({marks})"  # noqa: S608
    connection.ensure_connection()
    connection.connection.executemany(sql, rows)
