"""The duplicate finder's speed and accuracy on a generated set with known duplicates.

The requirement: 100,000 customers scored in under 60 s on the 2-core machine, with precision
and recall of at least 0.95 on a generated set with known duplicates (typos, swapped given
and family names, missing accents, local vs E.164 phones).

    .venv/bin/python benchmarks/bench_duplicates.py                  # 100,000 people
    .venv/bin/python benchmarks/bench_duplicates.py --size 20000 --seed 3

The set comes from `patron.duplicates.testset` (its docstring says what the copies differ
in); `find_pairs` is timed on it as the app calls it, and its pairs at --min-score are
compared with the true ones: precision = true pairs found / pairs found, recall = true
pairs found / true pairs. Peak memory is the process's peak resident set, which includes the
generated set. Exits 0 when time, precision and recall all pass, 1 otherwise.
"""

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from patron.duplicates.finder import find_pairs  # noqa: E402
from patron.duplicates.testset import generate  # noqa: E402

TIME_LIMIT = 60.0
ACCURACY = 0.95
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "POLARS_MAX_THREADS")


def peak_memory_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="people in the set (default 100,000)")
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--min-score", type=float, default=0.5)
    args = parser.parse_args()

    threads = ", ".join(f"{name}={os.environ.get(name, 'unset')}" for name in THREAD_VARIABLES)
    with duckdb.connect() as connection:
        duckdb_threads = connection.sql("SELECT current_setting('threads')").fetchall()[0][0]
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    print(f"threads: {threads}, duckdb threads={duckdb_threads}")

    started = time.perf_counter()
    generated = generate(args.size, seed=args.seed)
    true_pairs = generated.duplicate_pairs
    print(
        f"generated {len(generated.people):,} people, {len(true_pairs):,} duplicate pairs (seed {args.seed}) "
        f"in {time.perf_counter() - started:.1f} s; peak memory {peak_memory_mib():,.0f} MiB"
    )

    started = time.perf_counter()
    pairs = find_pairs(generated.people, min_score=args.min_score)
    elapsed = time.perf_counter() - started

    found = {(pair.left, pair.right) for pair in pairs}
    right = len(found & true_pairs)
    precision = right / len(found) if found else 0.0
    recall = right / len(true_pairs)
    print(f"find_pairs: {elapsed:.1f} s wall, peak memory {peak_memory_mib():,.0f} MiB")
    print(f"pairs found {len(found):,}, true pairs {len(true_pairs):,}, true pairs found {right:,}")
    print(f"precision {precision:.4f}  recall {recall:.4f}  (min score {args.min_score})")

    verdicts = {
        f"time {elapsed:.1f} s < {TIME_LIMIT:.0f} s": elapsed < TIME_LIMIT,
        f"precision {precision:.4f} >= {ACCURACY}": precision >= ACCURACY,
        f"recall {recall:.4f} >= {ACCURACY}": recall >= ACCURACY,
    }
    for verdict, passed in verdicts.items():
        print(f"{'PASS' if passed else 'FAIL'}  {verdict}")
    return 0 if all(verdicts.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
