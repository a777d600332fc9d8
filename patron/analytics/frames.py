"""Reading a transaction table from whatever an analyst holds: a frame, a table or a file."""

from pathlib import Path

import polars as pl


class BadInput(ValueError):
    """The input cannot be read or lacks what the computation needs; the message says what."""


BAD_ROWS = {
    "customer": "{:,} rows without a customer",
    "time": "{:,} rows whose time is not a date",
    "amount": "{:,} rows without an amount",
}


def refuse_bad_rows(counts) -> None:
    """BadInput naming how many rows lack a customer, a date or an amount, if any do."""
    told = [message.format(counts[what]) for what, message in BAD_ROWS.items() if counts[what]]
    if told:
        raise BadInput("; ".join(told) + ".")


def transactions_frame(source, *, customer, time, amount=None) -> pl.LazyFrame:
    """Return a lazy frame with the columns `customer`, `time` (Datetime) and `amount` (Float64).

    `source` is a Polars DataFrame or LazyFrame, a pandas DataFrame, a pyarrow Table, or the
    path of a Parquet or CSV file. CSV times may be ISO dates or times, or YYYYMMDD numbers.
    """
    frame = _lazy(source)
    names = frame.collect_schema().names()
    wanted = [c for c in (customer, time, amount) if c is not None]
    missing = [c for c in wanted if c not in names]
    if missing:
        raise BadInput(
            f"No column {', '.join(repr(c) for c in missing)}; the columns are {', '.join(names)}."
        )
    columns = [pl.col(customer).alias("customer"), _as_datetime(frame, time).alias("time")]
    if amount is None:
        columns.append(pl.lit(0.0).alias("amount"))
    else:
        columns.append(pl.col(amount).cast(pl.Float64).alias("amount"))
    return frame.select(columns)


def _lazy(source) -> pl.LazyFrame:
    if isinstance(source, pl.LazyFrame):
        return source
    if isinstance(source, pl.DataFrame):
        return source.lazy()
    if isinstance(source, str | Path):
        path = Path(source)
        if not path.is_file():
            raise BadInput(f"No file {path}.")
        suffix = path.suffix.lower()
        if suffix == ".parquet":
            return pl.scan_parquet(path)
        if suffix in (".csv", ".txt", ".tsv"):
            return pl.scan_csv(path, separator="\t" if suffix == ".tsv" else ",", infer_schema_length=10000)
        raise BadInput(f"{path.name}: give a Parquet or CSV file.")
    kind = type(source).__module__.split(".")[0]
    if kind == "pyarrow":
        return pl.from_arrow(source).lazy()
    if kind == "pandas":
        return pl.from_pandas(source).lazy()
    raise BadInput(
        f"Cannot read transactions from a {type(source).__name__}: give a frame, a table or a path."
    )


def _as_datetime(frame: pl.LazyFrame, name: str) -> pl.Expr:
    """The column as Datetime("us"); values that are not dates become null (refused later, counted).

    Strings: YYYYMMDD when the first thousand values all have that form, else ISO dates or
    times; ISO times with an offset are read as instants (UTC), those without as local times.
    """
    dtype = frame.collect_schema()[name]
    column = pl.col(name)
    if dtype == pl.Date:
        return column.cast(pl.Datetime("us"))
    if isinstance(dtype, pl.Datetime):
        return column.cast(pl.Datetime("us", dtype.time_zone))
    if dtype.is_integer():
        return column.cast(pl.String).str.strptime(pl.Datetime("us"), "%Y%m%d", strict=False)
    if dtype == pl.String:
        sample = frame.select(column.drop_nulls().head(1000)).collect().to_series()
        if sample.len() and sample.str.contains(r"^\d{8}$").all():
            return column.str.strptime(pl.Datetime("us"), "%Y%m%d", strict=False)
        if sample.str.contains(r"(?:[+-]\d{2}:?\d{2}|Z)$").any():
            return column.str.to_datetime(time_unit="us", time_zone="UTC", strict=False)
        return column.str.to_datetime(time_unit="us", strict=False)
    raise BadInput(f"Column {name!r} holds {dtype}, not dates or times.")
