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

from django.db import connection

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
    ids = _new_ids(len(orders))
    now = datetime.now(UTC)
    order_rows = [
        (
            order_id,
            o.customer_id,
            o.source,
            o.external_id,
            o.fingerprint,
            o.placed_at,
            o.status,
            o.channel,
            o.currency,
            o.total,
            o.total_base,
            o.exchange_rate,
            now,
        )
        for order_id, o in zip(ids, orders, strict=True)
    ]
    line_rows = [
        (order_id, product_id, quantity, price)
        for order_id, o in zip(ids, orders, strict=True)
        for product_id, quantity, price in o.lines
    ]
    if connection.vendor == "postgresql":
        _copy(Order, ORDER_COLUMNS, order_rows)
        _copy(OrderLine, LINE_COLUMNS, line_rows)
    else:
        _executemany(Order, ORDER_COLUMNS, [_sqlite_row(row) for row in order_rows])
        _executemany(OrderLine, LINE_COLUMNS, [_sqlite_row(row) for row in line_rows])


def _new_ids(count):
    table = Order._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        highest = cursor.fetchone()[0]
    return range(highest + 1, highest + 1 + count)


def _copy(model, names, rows):
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"COPY {table} ({_columns(model, names)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def _sqlite_row(row):
    """Values as Django stores them in SQLite: naive UTC date-times, decimals as text."""
    return tuple(
        value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
        if isinstance(value, datetime)
        else str(value)
        if isinstance(value, Decimal)
        else value
        for value in row
    )


def _executemany(model, names, rows):
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    marks = ", ".join("?" * len(names))
    sql = f"INSERT INTO {table} ({_columns(model, names)}) VALUES ({marks})"  # noqa: S608
    connection.ensure_connection()
    connection.connection.executemany(sql, rows)
