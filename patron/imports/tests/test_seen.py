"""SeenKeys tells the first row of every key, as a dict would, across batches."""

import random

from patron.imports.seen import SeenKeys


def test_first_rows_match_a_dict_across_many_batches():
    rnd = random.Random(5)
    seen, reference = SeenKeys(), {}
    row = 1
    for _batch in range(60):
        keys = [f"K{rnd.randrange(3000)}" for _ in range(rnd.randrange(0, 200))]
        rows = list(range(row, row + len(keys)))
        row += len(keys)
        expected = [reference.setdefault(key, number) for key, number in zip(keys, rows, strict=True)]
        assert seen.first_rows(keys, rows) == expected


def test_a_key_repeated_within_one_batch_points_to_its_first_row():
    assert SeenKeys().first_rows(["A", "B", "A", "A"], [2, 3, 4, 9]) == [2, 3, 2, 2]


def test_keys_stay_few_runs():
    seen = SeenKeys()
    for start in range(0, 100_000, 1000):
        seen.first_rows([f"K{n}" for n in range(start, start + 1000)], list(range(start, start + 1000)))
    assert len(seen._runs) <= 8
