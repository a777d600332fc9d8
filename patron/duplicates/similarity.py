"""String similarity for DuckDB: 1 - Damerau-Levenshtein distance / length of the longer string.

DuckDB's own levenshtein counts bytes, so a Thai letter (three bytes in UTF-8) typed in the
wrong place costs up to six edits, and it is slower than rapidfuzz. These functions are
registered on the finder's DuckDB connection as vectorised (Arrow) functions, so that the
linkage model's comparison levels and the evidence a Pair reports use one definition:

text_similarity(a, b)       the similarity of two strings
closest_similarity(as, bs)  the similarity of the closest two strings of two lists
"""

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from duckdb import sqltypes
from rapidfuzz.distance import DamerauLevenshtein
from rapidfuzz.process import cpdist


def text_similarity(left, right):
    return pa.array(_similarities(left.to_pylist(), right.to_pylist()), type=pa.float64())


def closest_similarity(left, right):
    """Every string of a row's left list against every string of its right list, best kept."""
    left_sizes = pc.list_value_length(left).fill_null(0).to_numpy(zero_copy_only=False)
    right_sizes = pc.list_value_length(right).fill_null(0).to_numpy(zero_copy_only=False)
    left_values = pc.list_flatten(left).to_pylist()
    right_values = pc.list_flatten(right).to_pylist()
    left_starts = np.cumsum(left_sizes) - left_sizes
    right_starts = np.cumsum(right_sizes) - right_sizes
    # Row i contributes left_sizes[i] * right_sizes[i] pairs, left-major.
    pair_counts = left_sizes * right_sizes
    row_of_pair = np.repeat(np.arange(len(pair_counts)), pair_counts)
    rank = np.arange(len(row_of_pair)) - np.repeat(np.cumsum(pair_counts) - pair_counts, pair_counts)
    left_index = left_starts[row_of_pair] + rank // right_sizes[row_of_pair]
    right_index = right_starts[row_of_pair] + rank % right_sizes[row_of_pair]
    scores = _similarities([left_values[i] for i in left_index], [right_values[i] for i in right_index])
    best = np.full(len(pair_counts), np.nan)
    np.fmax.at(best, row_of_pair, scores)
    return pa.array(best, type=pa.float64(), from_pandas=True)


def _similarities(lefts, rights):
    return cpdist(lefts, rights, scorer=DamerauLevenshtein.normalized_similarity, dtype=np.float64)


def register(connection):
    """Make the functions callable in SQL on this DuckDB connection."""
    text, texts, number = sqltypes.VARCHAR, sqltypes.DuckDBPyType(list[str]), sqltypes.DOUBLE
    connection.create_function("text_similarity", text_similarity, [text, text], number, type="arrow")
    # "special": called for rows with a missing list too, which have no closest pair (NULL).
    connection.create_function(
        "closest_similarity",
        closest_similarity,
        [texts, texts],
        number,
        type="arrow",
        null_handling="special",
    )
