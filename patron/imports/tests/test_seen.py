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


def test_a_key_read_again_tells_what_its_first_row_said():
    seen = SeenKeys()
    seen.first_readings(["A", "B"], [2, 3], [11, 12], [21, 22])
    again = seen.first_readings(["B", "C", "A"], [4, 5, 6], [99, 13, 11], [98, 23, 21])
    assert again.rows == [3, 5, 2]
    assert again.content.tolist() == [12, 13, 11] and again.parts.tolist() == [22, 23, 21]
    assert again.rejected.tolist() == [False, False, False]


def test_a_first_reading_rejected_since_is_told_as_such():
    seen = SeenKeys()
    seen.first_readings([f"K{n}" for n in range(1000)], list(range(2, 1002)))  # several runs
    seen.first_readings(["X"], [1002])
    seen.reject(["K7", "X"])
    again = seen.first_readings(["K7", "K8", "X"], [2000, 2001, 2002])
    assert again.rows == [9, 10, 1002]
    assert again.rejected.tolist() == [True, False, True]
