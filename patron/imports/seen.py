"""The keys an import has read so far (order numbers, customer ids), in little memory.

A file may repeat a key (a duplicate within the file) far from its first row, so every key
read must be remembered to the end, with what its first row said, to tell a row that repeats
an order exactly from one that gives the same number to another order. A dict of strings
costs about 150 bytes a key; here a key costs 32: a 64-bit hash, the row it was first read on,
and two 64-bit digests of its content (see :mod:`patron.imports.order_content`), in sorted
numpy runs that are merged as they grow (the way a log-structured merge tree keeps its levels),
so a file of 10 million orders needs about 320 MB.

Two different keys with the same 64-bit hash would be told as a duplicate; among 10 million
keys the chance is about 3 in a million.
"""

from dataclasses import dataclass

import numpy as np
import polars as pl


@dataclass
class Readings:
    """For each key of a batch: the row it was first read on (its own when new), what that row
    said (``content`` and ``parts`` digests), and whether that first row was rejected since."""

    rows: list[int]
    content: np.ndarray
    parts: np.ndarray
    rejected: np.ndarray


class SeenKeys:
    def __init__(self):
        # (key hashes, first rows, content digests, part digests); a first row rejected since
        # is kept negative.
        self._runs: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []

    def first_rows(self, keys: list[str], rows: list[int]) -> list[int]:
        """For each key, the row it was first read on: its own row when it is new."""
        return self.first_readings(keys, rows).rows

    def first_readings(self, keys, rows, content=None, parts=None) -> Readings:
        """For each key, its first reading; the new keys are remembered with their digests.

        ``keys``, ``rows`` and the optional ``content`` and ``parts`` digests (numpy uint64
        arrays) are a batch in file order.
        """
        if not len(keys):
            empty = np.zeros(0, dtype=np.uint64)
            return Readings([], empty, empty, np.zeros(0, dtype=bool))
        hashes = self._hashes(keys)
        rows = np.asarray(rows, dtype=np.int64)
        zeros = np.zeros(len(rows), dtype=np.uint64)
        content = zeros if content is None else np.asarray(content, dtype=np.uint64)
        parts = zeros if parts is None else np.asarray(parts, dtype=np.uint64)
        order = np.argsort(hashes, kind="stable")
        unique, start, inverse = np.unique(hashes[order], return_index=True, return_inverse=True)
        # The earliest reading of each distinct key in this batch.
        first, first_content, first_parts = rows[order][start], content[order][start], parts[order][start]
        new = np.ones(len(unique), dtype=bool)
        for run_hashes, run_rows, run_content, run_parts in self._runs:
            found, hit = self._find(run_hashes, unique)
            first[hit] = run_rows[found[hit]]
            first_content[hit] = run_content[found[hit]]
            first_parts[hit] = run_parts[found[hit]]
            new &= ~hit
        self._add(unique[new], first[new], first_content[new], first_parts[new])
        result = np.empty(len(rows), dtype=np.int64)
        result[order] = first[inverse]
        told_content = np.empty(len(rows), dtype=np.uint64)
        told_content[order] = first_content[inverse]
        told_parts = np.empty(len(rows), dtype=np.uint64)
        told_parts[order] = first_parts[inverse]
        return Readings(np.abs(result).tolist(), told_content, told_parts, result < 0)

    def reject(self, keys: list[str]):
        """Mark the first readings of ``keys`` as rejected (their rows were not imported)."""
        if not keys:
            return
        unique = np.unique(self._hashes(keys))
        for run_hashes, run_rows, _content, _parts in self._runs:
            found, hit = self._find(run_hashes, unique)
            run_rows[found[hit]] = -np.abs(run_rows[found[hit]])

    @staticmethod
    def _hashes(keys):
        return pl.Series(keys, dtype=pl.String).hash(seed=0).to_numpy()

    @staticmethod
    def _find(run_hashes, unique):
        found = np.searchsorted(run_hashes, unique)
        hit = found < len(run_hashes)
        hit[hit] = run_hashes[found[hit]] == unique[hit]
        return found, hit

    def _add(self, hashes, rows, content, parts):
        run = (hashes, rows, content, parts)
        while self._runs and len(self._runs[-1][0]) <= 2 * len(run[0]):
            older = self._runs.pop()
            merged = np.concatenate([older[0], run[0]])
            order = np.argsort(merged, kind="stable")
            run = (
                merged[order],
                *(np.concatenate([old, new])[order] for old, new in zip(older[1:], run[1:], strict=True)),
            )
        if len(run[0]):
            self._runs.append(run)
