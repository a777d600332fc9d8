"""Deriving customers' ladder stages from the registered evidence, every customer or a few.

One way for both: each source of evidence (patron/ladder/evidence.py) is read in one ``GROUP
BY customer_id`` counting its rows, its rows within each window the rules name, and its latest
time (restricted to the customers asked for, if any); patron/analytics/ladder.py applies the
rules to those counts and compares the result with the stored standings; only what changed is
written: standings (upserted, or deleted for customers left with no evidence), one Move per
change of stage, and the ladder page's figures (StageCount, MonthMoves).

Every customer (:func:`derive_all`, the nightly job's and the rules' re-derivation) reads
through COPY on PostgreSQL and writes its changes through a temporary table; a few customers
(:func:`derive`) lock their Customer rows first, so two derivations of one customer after each
other's evidence do not record one move twice. On PostgreSQL a derivation of everyone locks
the standings against the derivations of a few (SHARE ROW EXCLUSIVE against their ROW
EXCLUSIVE), which wait for it (under a minute) rather than compare with standings it is about
to replace; derivations of a few run side by side.
"""

import io
from dataclasses import dataclass
from datetime import UTC

import polars as pl
from dateutil.relativedelta import relativedelta
from django.db import connection, transaction
from django.db.models import Count, F
from django.utils import timezone

from patron.analytics import ladder as rules_engine
from patron.customers.models import Customer
from patron.ladder import evidence
from patron.ladder.models import MonthMoves, Move, Rule, Stage, StageCount, Standing

CHUNK = 500
MANY = 10_000


@dataclass(frozen=True)
class Derived:
    """What a derivation wrote: standings written and deleted, moves up and down."""

    written: int
    deleted: int
    up: int
    down: int


def rules_load() -> list[dict]:
    """The rules as patron/analytics/ladder.py reads them."""
    return [
        {
            "stage": rule.stage,
            "codes": list(rule.codes),
            "min_count": rule.min_count,
            "window_months": rule.window_months,
        }
        for rule in Rule.current()
    ]


def evidence_frame(rules, customer_ids=None, now=None) -> pl.DataFrame:
    """Every source's rows counted per customer and code (patron/analytics/ladder.py EVIDENCE
    and the windows' columns), for ``customer_ids`` only if given.

    Sources of the same rows (purchases and repeat purchases) are read in one query, which
    also says whether each customer's first row is within each window; an ``after_first``
    source's counts are then those less the first (see patron/ladder/evidence.py)."""
    now = now or timezone.now()
    months = rules_engine.windows(rules)
    counted = {}
    frames = []
    for source in evidence.sources():
        sql, params = evidence.rows_sql(source)
        key = (sql, tuple(params))
        if key not in counted:
            counted[key] = _counts(sql, params, months, customer_ids, now)
        frame = counted[key]
        if source.after_first:
            first_in = [pl.col(f"w{m}") - pl.col(f"f{m}") for m in months]
            frame = frame.select(
                "customer",
                pl.col("n") - 1,
                "at",
                *(expr.alias(f"w{m}") for expr, m in zip(first_in, months, strict=True)),
            ).filter(pl.col("n") > 0)
        frames.append(
            frame.select(
                "customer",
                pl.lit(source.code).alias("code"),
                "n",
                pl.from_epoch("at", time_unit="s")
                .dt.replace_time_zone("UTC")
                .dt.cast_time_unit("us")
                .alias("at"),
                *(f"w{m}" for m in months),
            )
        )
    schema = {**rules_engine.EVIDENCE, **{f"w{m}": pl.Int64 for m in months}}
    return pl.concat(frames).cast(schema) if frames else pl.DataFrame(schema=schema)


def _counts(sql, params, months, customer_ids, now) -> pl.DataFrame:
    """The rows of ``sql`` in one GROUP BY customer: customer, n (rows), at (the latest, epoch
    seconds), w{m} (rows within m months), f{m} (1 if the customer's first row is within m
    months, else 0)."""
    schema = {
        "customer": pl.Int64,
        "n": pl.Int64,
        "at": pl.Int64,
        **{f"w{m}": pl.Int64 for m in months},
        **{f"f{m}": pl.Int64 for m in months},
    }
    cutoffs = [connection.ops.adapt_datetimefield_value(now - relativedelta(months=m)) for m in months]
    within = "".join(", SUM(CASE WHEN e.at >= %s THEN 1 ELSE 0 END)" for _ in months)
    first_within = "".join(", CASE WHEN MIN(e.at) >= %s THEN 1 ELSE 0 END" for _ in months)
    latest = (
        "CAST(FLOOR(EXTRACT(EPOCH FROM MAX(e.at))) AS BIGINT)"
        if connection.vendor == "postgresql"
        else "CAST(STRFTIME('%%s', MAX(e.at)) AS INTEGER)"
    )
    head = (
        f"SELECT e.customer_id, COUNT(*), {latest}{within}{first_within} FROM ({sql}) e "  # noqa: S608
        "WHERE e.customer_id IS NOT NULL"
    )
    if customer_ids is None:
        return _read(f"{head} GROUP BY e.customer_id", [*cutoffs, *cutoffs, *params], schema)
    ids, parts = list(customer_ids), [pl.DataFrame(schema=schema)]
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        marks = ", ".join(["%s"] * len(chunk))
        query = f"{head} AND e.customer_id IN ({marks}) GROUP BY e.customer_id"
        parts.append(_read(query, [*cutoffs, *cutoffs, *params, *chunk], schema, copy=False))
    return pl.concat(parts)


def _read(sql, params, schema, *, copy=True) -> pl.DataFrame:
    """The rows of ``sql`` as a frame of ``schema``: through COPY on PostgreSQL (unless not to
    ``copy``: a few customers' rows), else fetched."""
    with connection.cursor() as cursor:
        if not copy or connection.vendor != "postgresql":
            cursor.execute(sql, params)
            return pl.DataFrame(cursor.fetchall(), orient="row", schema=schema)
        query = cursor.mogrify(sql, params)
        query = query.decode() if isinstance(query, bytes) else query
        buffer = io.BytesIO()
        with cursor.cursor.copy(f"COPY ({query}) TO STDOUT (FORMAT csv)") as stream:
            for block in stream:
                buffer.write(block)
    if not buffer.tell():
        return pl.DataFrame(schema=schema)
    return pl.read_csv(buffer.getvalue(), has_header=False, new_columns=list(schema), schema_overrides=schema)


def standings_frame(customer_ids=None) -> pl.DataFrame:
    """The stored standings (patron/analytics/ladder.py STANDINGS), of ``customer_ids`` if given."""
    sql = f"SELECT customer_id, stage, evidence, missing FROM {Standing._meta.db_table}"  # noqa: S608
    if customer_ids is None:
        return _read(sql, [], rules_engine.STANDINGS)
    ids, parts = list(customer_ids), [pl.DataFrame(schema=rules_engine.STANDINGS)]
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        marks = ", ".join(["%s"] * len(chunk))
        parts.append(
            _read(f"{sql} WHERE customer_id IN ({marks})", chunk, rules_engine.STANDINGS, copy=False)
        )
    return pl.concat(parts)


def derive_all(*, why=Move.Why.EVIDENCE, now=None) -> Derived:
    """Derive every customer's stage, write what changed, and count the funnel again."""
    now = now or timezone.now()
    rules = rules_load()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {Standing._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
                cursor.execute("SET LOCAL work_mem = '256MB'")  # GROUP BYs of millions hashed in memory
        new = rules_engine.standings(evidence_frame(rules, now=now), rules, list(evidence.codes()))
        old = standings_frame()
        write, delete, moves = rules_engine.changes(old, new, rules)
        derived = _write(write, delete, moves, why=why, now=now)
        _count_again()
    return derived


def derive(customer_ids, *, why=Move.Why.EVIDENCE, now=None) -> Derived:
    """Derive the stages of ``customer_ids`` (a few), write what changed, and move the funnel's
    counts by their moves. Beyond MANY customers, every customer is derived instead."""
    ids = sorted(set(customer_ids))
    if len(ids) > MANY:
        return derive_all(why=why, now=now)
    now = now or timezone.now()
    rules = rules_load()
    with transaction.atomic():
        if connection.vendor == "postgresql":  # waits for a derivation of everyone (see the module)
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {Standing._meta.db_table} IN ROW EXCLUSIVE MODE")
        ids = list(
            Customer.objects.select_for_update()
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not ids:
            return Derived(0, 0, 0, 0)
        new = rules_engine.standings(evidence_frame(rules, ids, now=now), rules, list(evidence.codes()))
        old = standings_frame(ids)
        write, delete, moves = rules_engine.changes(old, new, rules)
        derived = _write(write, delete, moves, why=why, now=now)
        if len(moves):
            _count_moves(moves)
    return derived


def _write(write: pl.DataFrame, delete: pl.Series, moves: pl.DataFrame, *, why, now) -> Derived:
    why = Move.Why(why).value
    table, move_table = Standing._meta.db_table, Move._meta.db_table
    columns = "customer_id, stage, evidence, missing, derived_at"
    move_columns = "customer_id, from_stage, to_stage, at, why, count"
    upsert = (
        "ON CONFLICT (customer_id) DO UPDATE SET stage = excluded.stage, evidence = excluded.evidence, "
        "missing = excluded.missing, derived_at = excluded.derived_at"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(delete), CHUNK):
            chunk = delete[start : start + CHUNK].to_list()
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {table} WHERE customer_id IN ({marks})", chunk)  # noqa: S608
        if connection.vendor == "postgresql" and len(write) + len(moves) > CHUNK:
            stamp = pl.lit(now.isoformat())
            cursor.execute(f"CREATE TEMPORARY TABLE ladder_new (LIKE {table}) ON COMMIT DROP")
            _copy(cursor, "ladder_new", columns, write.with_columns(stamp.alias("derived_at")))
            cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM ladder_new {upsert}")  # noqa: S608
            cursor.execute("DROP TABLE ladder_new")
            _copy(
                cursor,
                move_table,
                move_columns,
                moves.select(
                    "customer", "from_stage", "to_stage", stamp.alias("at"), pl.lit(why).alias("why"), "count"
                ),
            )
        else:
            stamp = connection.ops.adapt_datetimefield_value(now)
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s) {upsert}",  # noqa: S608
                [(*row, stamp) for row in write.iter_rows()],
            )
            cursor.executemany(
                f"INSERT INTO {move_table} ({move_columns}) VALUES (%s, %s, %s, %s, %s, %s)",  # noqa: S608
                [
                    (customer, before, after, stamp, why, count)
                    for customer, before, after, count in moves.iter_rows()
                ],
            )
    up = int((moves["to_stage"] > moves["from_stage"]).sum()) if len(moves) else 0
    month = now.astimezone(UTC).date().replace(day=1)
    if len(moves):
        MonthMoves.objects.get_or_create(month=month)
        MonthMoves.objects.filter(month=month).update(up=F("up") + up, down=F("down") + (len(moves) - up))
    return Derived(len(write), len(delete), up, len(moves) - up)


def _copy(cursor, table, columns, frame):
    buffer = io.BytesIO()
    frame.write_csv(buffer, include_header=False, null_value="")
    with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT csv)") as copy:
        copy.write(buffer.getvalue())


def _count_again():
    """Count every stage's customers again (prospects: the customers not counted above them)."""
    above = Standing.objects.exclude(stage=Stage.PROSPECT).values("stage").annotate(n=Count("*"))
    counts = {row["stage"]: row["n"] for row in above}
    everyone = Customer.objects.filter(merged_into__isnull=True).count()
    counts[Stage.PROSPECT] = max(everyone - sum(counts.values()), 0)
    StageCount.objects.all().delete()
    StageCount.objects.bulk_create(
        StageCount(stage=stage, customers=counts.get(stage, 0)) for stage in Stage.values
    )


def _count_moves(moves: pl.DataFrame):
    """Move the funnel's counts by ``moves`` (customers leaving one stage for another)."""
    delta = {}
    for before, after in moves.select("from_stage", "to_stage").iter_rows():
        delta[before] = delta.get(before, 0) - 1
        delta[after] = delta.get(after, 0) + 1
    for stage, change in delta.items():
        if change:
            StageCount.objects.get_or_create(stage=stage)
            StageCount.objects.filter(stage=stage).update(customers=F("customers") + change)
