"""The loyalty ladder's rules applied to every customer's evidence at once, in Polars.

No Django here: patron/ladder/derivation.py reads the evidence (one GROUP BY per source) and
the stored standings, and writes what :func:`changes` says changed.

A rule is a dict ``{"stage": int, "codes": [str], "min_count": int, "window_months": int |
None}``: it holds for a customer with at least ``min_count`` pieces of evidence of any of
``codes``, added up, within the last ``window_months`` months (None: ever). A customer's stage
is the highest stage whose rule holds, or 0 (prospect) when none does: a stage's rule alone
decides it, a lower stage's rule need not hold too (a partner organisation's contact who has
never bought is a partner).
"""

import polars as pl

EVIDENCE = {"customer": pl.Int64, "code": pl.String, "n": pl.Int64, "at": pl.Datetime("us", "UTC")}
"""The evidence frame's columns, followed by one ``w{months}`` column (Int64) per window a rule
names: the pieces within that many months."""
STANDINGS = {"customer": pl.Int64, "stage": pl.Int64, "evidence": pl.String, "missing": pl.Int64}


def windows(rules) -> list[int]:
    """The windows (months) the rules name, each once, ascending."""
    return sorted({rule["window_months"] for rule in rules if rule["window_months"]})


def _count(rule) -> pl.Expr:
    column = f"w{rule['window_months']}" if rule["window_months"] else "n"
    return pl.when(pl.col("code").is_in(rule["codes"])).then(pl.col(column)).otherwise(0).sum()


def standings(evidence: pl.DataFrame, rules, codes_order=()) -> pl.DataFrame:
    """Each customer of ``evidence`` with their stage, their evidence as canonical JSON text,
    ``missing`` (pieces the next stage's rule still needs; None at the top or when that rule
    names no code) and ``c{stage}``, the pieces each stage's rule counted.

    ``evidence``: EVIDENCE columns plus the windows' (:func:`windows`), several rows of one
    customer and code allowed (several sources): they add up. ``codes_order``: the order codes
    are written in (others follow, by name).
    """
    rules = sorted(rules, key=lambda rule: rule["stage"])
    months = windows(rules)
    by_code = (
        evidence.group_by("customer", "code")
        .agg(pl.col("n").sum(), pl.col("at").max(), *(pl.col(f"w{m}").sum() for m in months))
        .filter(pl.col("n") > 0)
    )
    counted = by_code.group_by("customer").agg(
        *(_count(rule).cast(pl.Int64).alias(f"c{rule['stage']}") for rule in rules)
    )
    stage = pl.lit(0, pl.Int64)
    for rule in rules:  # ascending: the highest rule that holds wins
        holds = pl.col(f"c{rule['stage']}") >= rule["min_count"]
        stage = pl.when(holds).then(pl.lit(rule["stage"], pl.Int64)).otherwise(stage)
    counted = counted.with_columns(stage.alias("stage"))
    missing = pl.lit(None, pl.Int64)
    for rule in rules:
        if rule["codes"]:
            need = (rule["min_count"] - pl.col(f"c{rule['stage']}")).clip(lower_bound=1)
            missing = pl.when(pl.col("stage") == rule["stage"] - 1).then(need).otherwise(missing)
    counted = counted.with_columns(missing.cast(pl.Int64).alias("missing"))
    return counted.join(_evidence_json(by_code, rules, codes_order), on="customer", how="left")


def _evidence_json(by_code: pl.DataFrame, rules, codes_order) -> pl.DataFrame:
    """customer, evidence: {code: {"n": .., "at": "ISO", "w": {"12": ..}}} in one canonical form."""
    parts = []
    for m in windows(rules):
        named = sorted({code for rule in rules if rule["window_months"] == m for code in rule["codes"]})
        parts.append(
            pl.when(pl.col("code").is_in(named)).then(
                pl.concat_str(pl.lit(f'"{m}":'), pl.col(f"w{m}").cast(pl.String))
            )
        )
    window_text = pl.concat_str(parts, separator=",", ignore_nulls=True) if parts else pl.lit("")
    rank = {code: index for index, code in enumerate(codes_order)}
    piece = pl.concat_str(
        pl.lit('"'),
        pl.col("code"),
        pl.lit('":{"n":'),
        pl.col("n").cast(pl.String),
        pl.lit(',"at":"'),
        pl.col("at").dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
        pl.lit('","w":{'),
        window_text,
        pl.lit("}}"),
    )
    return (
        by_code.with_columns(
            piece.alias("piece"),
            pl.col("code").replace_strict(rank, default=len(rank), return_dtype=pl.Int64).alias("rank"),
        )
        .sort("customer", "rank", "code")
        .group_by("customer", maintain_order=True)
        .agg(pl.col("piece").str.join(","))
        .select("customer", pl.concat_str(pl.lit("{"), pl.col("piece"), pl.lit("}")).alias("evidence"))
    )


def changes(old: pl.DataFrame, new: pl.DataFrame, rules):
    """What to write, given the stored standings ``old`` (STANDINGS) and the derived ``new``
    (:func:`standings`) of the same customers: (rows to write, customer ids to delete, moves).

    Rows to write: the new standings whose stage, evidence or missing differ from the stored
    ones (STANDINGS columns). To delete: stored standings of customers with no evidence now
    (they are prospects again). Moves: customer, from_stage, to_stage, count (the pieces the
    higher stage's rule counted now), for every customer whose stage changed.
    """
    stages = [rule["stage"] for rule in rules]
    counts = [f"c{stage}" for stage in stages]
    joined = old.select(
        "customer",
        pl.col("stage").alias("old_stage"),
        pl.col("evidence").alias("old_evidence"),
        pl.col("missing").alias("old_missing"),
    ).join(
        new.select("customer", "stage", "evidence", "missing", *counts),
        on="customer",
        how="full",
        coalesce=True,
    )
    kept = pl.col("stage").is_not_null()
    write = joined.filter(
        kept
        & (
            pl.col("old_stage").is_null()
            | (pl.col("stage") != pl.col("old_stage"))
            | (pl.col("evidence") != pl.col("old_evidence"))
            | pl.col("missing").ne_missing(pl.col("old_missing"))
        )
    ).select(list(STANDINGS))
    delete = joined.filter(~kept)["customer"]
    before, after = pl.col("old_stage").fill_null(0), pl.col("stage").fill_null(0)
    higher = pl.max_horizontal(before, after)
    count = pl.lit(0, pl.Int64)
    for stage, column in zip(stages, counts, strict=True):
        count = pl.when(higher == stage).then(pl.col(column).fill_null(0)).otherwise(count)
    moves = joined.filter(before != after).select(
        "customer", before.alias("from_stage"), after.alias("to_stage"), count.cast(pl.Int64).alias("count")
    )
    return write, delete, moves
