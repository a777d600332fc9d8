"""The fast path for plain order rows: a batch checked and converted column by column.

Most rows of a large export are plain: an order number, a known customer id, an ISO 8601
date without offset, digits for the total, the base currency, a known status and channel.
For those, reading one row at a time in Python costs more than writing it. This module
takes the batch as columns (Polars), picks the plain rows with vectorised checks, converts
them in bulk and hands back everything else, which the row-by-row reader
(:mod:`patron.imports.order_rows`) takes as usual, with its exact checks and reasons.

The checks are narrow on purpose: a row is plain only where the row-by-row reader would
give the same order. A row that is not plain is not wrong; it only goes the slower way.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from patron.imports.order_rows import DEFAULT_CHANNEL, channel_of, status_of
from patron.imports.values import BUDDHIST_THRESHOLD
from patron.workspace.money import minor_units

_ISO = r"^\d{4}-\d\d-\d\d(?:[ T]\d\d:\d\d(?::\d\d)?)?$"
_CLEAN = r"^\S(?:.*\S)?$"  # no white space at either end...
_RUNS = r"\s\s|[\t\n\r\u00a0]"  # ...nor runs of it inside (which the row reader would fold)


@dataclass
class PlainOrders:
    """Plain rows of one batch: ``frame`` has the columns ``number``, ``order_id``,
    ``customer``, ``placed_at`` (aware, UTC), ``status``, ``channel`` and ``total`` (the
    digits as written)."""

    frame: pl.DataFrame
    rest: list  # the other rows, for the row-by-row reader
    rows: object = None  # the frame made ready for the database, when it can be made ahead


class PlainOrderReader:
    """Finds the plain rows of a batch, for a file whose columns allow it (see ``for_file``)."""

    def __init__(self, *, index, currency, zone, now):
        self.index = index
        self.currency = currency
        self.zone = zone
        self.today = now.astimezone(zone).date().isoformat()
        places = minor_units(currency)
        self.amount = rf"^\d{{1,14}}(?:\.\d{{1,{places}}})?$" if places else r"^\d{1,14}$"
        self.statuses: dict[str, str | None] = {"": "completed"}
        self.channels: dict[str, str | None] = {"": DEFAULT_CHANNEL}

    @classmethod
    def for_file(cls, *, index, lines, calendar, currency, base_currency, zone, now):
        """A reader, or None when no row of this file can be plain.

        Files of order lines, Buddhist-era files and files whose currency is not the base one
        always go row by row; so do files without an order number, total or customer id.
        """
        needed = {"order_id", "customer_external_id", "placed_at", "total"}
        if lines or calendar == "buddhist" or currency != base_currency or not needed <= index.keys():
            return None
        if "is_return" in index:
            return None
        return cls(index=index, currency=currency, zone=zone, now=now)

    def split(self, batch) -> PlainOrders:
        index = self.index
        values = [row.values for row in batch]
        columns = {field: [cells[position] for cells in values] for field, position in index.items()}
        frame = pl.DataFrame(
            {"number": [row.number for row in batch], **columns},
            schema={"number": pl.Int64, **dict.fromkeys(columns, pl.String)},
        )
        date = pl.col("placed_at")
        plain = (
            date.str.contains(_ISO)
            & (date.str.slice(0, 4) <= str(BUDDHIST_THRESHOLD))
            & (date.str.slice(0, 10) < self.today)  # today's and later go row by row
            & pl.col("total").str.contains(self.amount)
            & _clean(pl.col("order_id"))
            & (pl.col("order_id").str.len_chars() <= 100)
            & _clean(pl.col("customer_external_id"))
        )
        if "currency" in index:
            plain &= pl.col("currency").is_in(["", self.currency])
        frame = frame.with_columns(
            status=self._words("status", frame, self.statuses, status_of, "completed"),
            channel=self._words("channel", frame, self.channels, channel_of, DEFAULT_CHANNEL),
            moment=_moment(date, self.zone),
        )
        plain &= pl.col("status").is_not_null() & pl.col("channel").is_not_null()
        plain &= pl.col("moment").is_not_null()
        frame = frame.with_columns(plain=plain)
        taken = frame.filter(pl.col("plain")).select(
            "number",
            "order_id",
            pl.col("customer_external_id").alias("customer"),
            pl.col("moment").alias("placed_at"),
            "status",
            "channel",
            "total",
        )
        left = set(frame.filter(~pl.col("plain"))["number"].to_list())
        return PlainOrders(frame=taken, rest=[row for row in batch if row.number in left])

    def _words(self, field_name, frame, known, read, default):
        """The column's words read as the row reader would (each distinct one once), or null."""
        if field_name not in self.index:
            return pl.lit(default)
        for raw in frame[field_name].unique().to_list():
            if raw not in known:
                known[raw] = read(raw) if raw.strip() else None
        return pl.col(field_name).replace_strict(known, default=None, return_dtype=pl.String)


def _clean(column):
    return column.str.contains(_CLEAN) & ~column.str.contains(_RUNS)


def _moment(date, zone):
    """The local date-time as an aware UTC one; null where the zone skips that hour."""
    text = date.str.replace("T", " ")
    text = (
        pl.when(text.str.len_chars() == 10)
        .then(text + " 00:00:00")
        .when(text.str.len_chars() == 16)
        .then(text + ":00")
        .otherwise(text)
    )
    local = text.str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M:%S", strict=False)
    # "earliest" for a repeated hour is what datetime.replace(tzinfo=zone) gives (fold=0).
    aware = local.dt.replace_time_zone(str(zone), ambiguous="earliest", non_existent="null")
    return aware.dt.convert_time_zone("UTC")
