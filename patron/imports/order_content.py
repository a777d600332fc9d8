"""What an order says, in two 64-bit digests, to tell a repeated order from a clash of numbers.

A file may hold the same order number twice. The same order exported twice (a bill printed
again, two exports pasted together) is one order; two different orders under one number are
an error of the file, and the later one is rejected. The importer cannot keep every row it has
read, so each order is kept as digests of its parts, as read: who the customer is (as the file
names them), when, in what currency, how much, its status, channel and lines.

``content`` is a hash of all the parts: equal contents are the same order (two different
orders share one with a chance of 1 in 2^64). ``parts`` holds one byte of a hash of each part,
so that a rejected row can say which columns differ from the first one (a differing part is
told with a chance of 255 in 256; the row is rejected in any case).

Both the row-by-row reader and the column-wise one (:mod:`patron.imports.order_columns`) make
the same values for the same order (the time in microseconds, the amount as a decimal), so an
order read one way and repeated the other way is recognised.
"""

from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl

PARTS = ("customer", "placed_at", "currency", "total", "status", "channel", "lines")
# The time in microseconds since 1970 and the amount are numbers, the rest text.
SCHEMA = dict.fromkeys(PARTS, pl.String) | {"placed_at": pl.Int64, "total": pl.Decimal(38, 4)}
# The fields whose columns a differing part is told by.
PART_FIELDS = {
    "customer": ("customer_external_id", "customer_email", "customer_phone"),
    "placed_at": ("placed_at",),
    "currency": ("currency",),
    "total": ("order_total", "total", "quantity", "unit_price"),
    "status": ("status", "is_return"),
    "channel": ("channel",),
    "lines": ("sku", "product_name", "quantity", "unit_price", "total"),
}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def digests(frame: pl.DataFrame):
    """(content, parts): numpy uint64 digests of each row of ``frame``, whose columns are SCHEMA's."""
    hashed = frame.select(pl.struct(PARTS).hash(seed=7).alias("content"), pl.col(PARTS).hash(seed=11))
    parts = np.zeros(frame.height, dtype=np.uint64)
    for place, name in enumerate(PARTS):
        parts |= (hashed[name].to_numpy() & np.uint64(0xFF)) << np.uint64(8 * place)
    return hashed["content"].to_numpy(), parts


def differing_parts(parts, other):
    """The names of the PARTS whose digest bytes differ between two ``parts`` digests."""
    return [
        name
        for place, name in enumerate(PARTS)
        if (int(parts) >> (8 * place)) & 0xFF != (int(other) >> (8 * place)) & 0xFF
    ]


def order_parts(customer_key, placed_at, currency, total, status, channel, lines=()):
    """The PARTS of one order as the row-by-row reader has it; ``lines``: (sku, quantity, price)."""
    micros = (placed_at - _EPOCH) // _MICROSECOND
    written = sorted(
        f"{sku}\x1e{quantity.normalize()}\x1e{price.normalize()}" for sku, quantity, price in lines
    )
    return (customer_key, micros, currency, total, status, channel, "\x1d".join(written))


def frame_of(orders):
    """A frame of PARTS from ``order_parts`` tuples."""
    return pl.DataFrame(list(orders), schema=SCHEMA, orient="row")


def plain_parts(frame, *, currency):
    """The PARTS of the column-wise reader's plain rows (see ``order_columns.PlainOrders``):
    customer ids, UTC times, totals written as digits."""
    return frame.select(
        customer=pl.lit("id:") + pl.col("customer"),
        placed_at=pl.col("placed_at").dt.epoch("us").cast(pl.Int64),
        currency=pl.lit(currency),
        total=pl.col("total").cast(SCHEMA["total"]),
        status=pl.col("status"),
        channel=pl.col("channel"),
        lines=pl.lit(""),
    )
