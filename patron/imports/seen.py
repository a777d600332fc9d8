"""The keys an import has read so far (order numbers, customer ids), in little memory.

A file may repeat a key (a duplicate within the file) far from its first row, so every key
read must be remembered to the end. A dict of strings costs about 150 bytes a key; here a
key costs 12: a 64-bit hash and the row it was first read on, in sorted numpy runs that are
merged as they grow (the way a log-structured merge tree keeps its levels), so a file of 10
million orders needs about 120 MB.

Two different keys with the same 64-bit hash would be told as a duplicate; among 10 million
keys the chance is about 3 in a million.
"""

import numpy as np
import polars as pl


class SeenKeys:
    def __init__(self):
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []

    def first_rows(self, keys: list[str], rows: list[int]) -> list[int]:
        """For each key, the row it was first read on: its own row when it is new.

        ``keys`` and ``rows`` are a batch in file order; the keys are remembered.
        """
        if not keys:
            return []
        hashes = pl.Series(keys, dtype=pl.String).hash(seed=0).to_numpy()
        rows = np.asarray(rows, dtype=np.int64)
        order = np.argsort(hashes, kind="stable")
        unique, start, inverse = np.unique(hashes[order], return_index=True, return_inverse=True)
        first = rows[order][start]  # the earliest row of each distinct key in this batch
        new = np.ones(len(unique), dtype=bool)
        for run_hashes, run_rows in self._runs:
            found = np.searchsorted(run_hashes, unique)
            hit = found < len(run_hashes)
            hit[hit] = run_hashes[found[hit]] == unique[hit]
            first[hit] = run_rows[found[hit]]
            new &= ~hit
        self._add(unique[new], first[new])
        result = np.empty(len(rows), dtype=np.int64)
        result[order] = first[inverse]
        return result.tolist()

    def _add(self, hashes, rows):
        run = (hashes, rows)
        while self._runs and len(self._runs[-1][0]) <= 2 * len(run[0]):
            older = self._runs.pop()
            merged = np.concatenate([older[0], run[0]])
            order = np.argsort(merged, kind="stable")
            run = (merged[order], np.concatenate([older[1], run[1]])[order])
        if len(run[0]):
            self._runs.append(run)
