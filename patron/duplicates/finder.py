"""Customers who are probably the same person although no identity of theirs matches exactly.

A pure library (no Django): give it people, get back scored pairs with their evidence.

    pairs = find_pairs(people, min_score=0.5)

Every person is reduced to comparable features (features.py: names transliterated and
sorted, phones to their last 9 digits, e-mail local parts, birthday, address words); Splink
(https://moj-analytical-services.github.io/splink/) then forms candidate pairs by the blocking
rules of linkage.py and scores them by its Fellegi-Sunter model, in an in-memory DuckDB.
No DuckDB extension is installed or loaded, and nothing is written to disk except DuckDB's
spill files if memory runs short, in a temporary directory removed at the end.
"""

import datetime
import logging
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker

from patron.duplicates import linkage, similarity
from patron.duplicates.features import feature_table


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    display_name: str
    given_name: str = ""
    family_name: str = ""
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()  # E.164, e.g. "+66812345678"
    birthday: datetime.date | None = None
    country: str = ""  # ISO 3166 alpha-2
    address: str = ""


@dataclass(frozen=True, slots=True)
class Pair:
    left: int  # the smaller id
    right: int
    score: float  # 0..1, higher = more likely the same person
    # Signal -> similarity 0..1, only for signals both records have.
    # Keys among "name", "email", "phone", "birthday", "address".
    evidence: dict[str, float]


def find_pairs(people: Iterable[Person], *, min_score: float = 0.5) -> list[Pair]:
    """Candidate pairs scoring at least min_score, best first."""
    features = feature_table(people)
    if features.num_rows < 2:
        return []
    # Splink logs each step at INFO; the finder is quiet unless something goes wrong.
    logging.getLogger("splink").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="patron-duplicates-") as spill_dir:
        config = {
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "temp_directory": spill_dir,
        }
        with duckdb.connect(":memory:", config=config) as connection:
            connection.execute("SET enable_progress_bar = false")  # drawn for a query over 2 s otherwise
            rows = _scored_pairs(connection, features, min_score)
    pairs = [
        Pair(left=left, right=right, score=score, evidence=_evidence(values))
        for left, right, score, *values in rows
    ]
    pairs.sort(key=lambda pair: (-pair.score, pair.left, pair.right))
    return pairs


def _scored_pairs(connection, features, min_score):
    """(smaller id, larger id, score, similarity of each signal) of the pairs scoring min_score or more."""
    similarity.register(connection)
    db_api = DuckDBAPI(connection)
    linker = Linker(db_api.register(features, table_name="people"), linkage.settings(), log_level=None)
    for tf_column, counted in linkage.TF_COLUMNS.items():
        values = f"unnest({counted})" if pa.types.is_list(features.schema.field(counted).type) else counted
        connection.execute(
            f"CREATE TABLE tf_{tf_column} AS {_term_frequency_sql(tf_column, values, features.num_rows)}"
        )
        linker.table_management.register_term_frequency_lookup(db_api.register(f"tf_{tf_column}"), tf_column)
    # Splink turns the threshold into a match weight, infinite at 1: ask below it, filter after.
    threshold = min(min_score, 0.999999)
    predictions = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
    evidence = ", ".join(
        f"CASE WHEN {column}_l IS NULL OR {column}_r IS NULL THEN NULL ELSE {linkage.SIMILARITY[signal]} END"
        for signal, column in linkage.SIGNAL_COLUMNS.items()
    )
    ids = "least(unique_id_l, unique_id_r), greatest(unique_id_l, unique_id_r)"
    table = predictions.physical_name
    sql = f"SELECT {ids}, match_probability, {evidence} FROM {table} WHERE match_probability >= ?"  # noqa: S608
    return connection.execute(sql, [min_score]).fetchall()


def _term_frequency_sql(tf_column, values, size):
    """Each value's frequency, counted as if among REFERENCE_SIZE more records holding it once."""
    frequency = f"(count(*) + 1.0) / ({size} + {linkage.REFERENCE_SIZE})"
    return (
        f"SELECT value AS {tf_column}, {frequency} AS tf_{tf_column} "  # noqa: S608 (our column names)
        f"FROM (SELECT {values} AS value FROM people) WHERE value IS NOT NULL GROUP BY value"
    )


def _evidence(similarities):
    return {
        signal: round(value, 3)
        for signal, value in zip(linkage.SIGNAL_COLUMNS, similarities, strict=True)
        if value is not None
    }
