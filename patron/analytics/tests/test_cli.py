"""`patron analytics` on a file: no database, no Django settings."""

import json
import os
import subprocess
import sys

import polars as pl
import pytest

from patron.analytics.tests.cdnow import CDNOW

DATA = [
    "--customer",
    "customer",
    "--time",
    "date",
    "--amount",
    "amount",
    "--period",
    "week",
    "--grain",
    "day",
]


def patron(*args):
    """Run the installed `patron` entry point with no Django settings in the environment."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    command = [
        sys.executable,
        "-c",
        "import sys; sys.modules['django'] = None; from patron.cli import main; main()",
    ]
    return subprocess.run(
        [*command, "analytics", *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_fit_prints_parameters_errors_and_likelihood_as_json():
    done = patron("fit", str(CDNOW), *DATA, "--calibration-end", "1997-09-30", "--model", "bgnbd", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["customers"] == 2357
    assert {k: round(v, 3) for k, v in report["params"].items()} == {
        "r": 0.243,
        "alpha": 4.414,
        "a": 0.793,
        "b": 2.426,
    }
    assert round(report["standard_errors"]["alpha"], 3) == 0.378
    assert round(report["loglik"], 1) == -9582.4


def test_fit_prints_a_table_for_people():
    done = patron("fit", str(CDNOW), *DATA, "--calibration-end", "1997-09-30", "--model", "gammagamma")
    assert done.returncode == 0, done.stderr
    assert "params:" in done.stdout and "gamma" in done.stdout and "15.44" in done.stdout


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_score_writes_one_row_per_customer(tmp_path, suffix):
    out = tmp_path / f"scores{suffix}"
    done = patron(
        "score", str(CDNOW), *DATA, "--horizon", "6", "--discount", "0.02", "--out", str(out), "--json"
    )
    assert done.returncode == 0, done.stderr
    table = pl.read_parquet(out) if suffix == ".parquet" else pl.read_csv(out)
    assert table.height == 2357 == json.loads(done.stdout)["customers"]
    for column in (
        "x",
        "t_x",
        "T",
        "p_alive",
        "expected_purchases",
        "expected_spend",
        "clv",
        "recency_score",
        "frequency_score",
        "monetary_score",
        "segment",
        "value_decile",
    ):
        assert table[column].null_count() == 0, column
    assert table["clv"].min() > 0 and 0 < table["p_alive"].min() <= table["p_alive"].max() <= 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["fit", "{cdnow}", "--customer", "client", "--time", "date", "--model", "bgnbd"],
            "No column 'client'",
        ),
        (
            ["fit", "{cdnow}", "--customer", "customer", "--time", "date", "--model", "gammagamma"],
            "Give --amount",
        ),
        (["score", "{cdnow}", *DATA, "--out", "{tmp}/scores.xlsx"], "give a .csv or .parquet file"),
        (["fit", "{tmp}/none.csv", *DATA, "--model", "bgnbd"], "No file"),
        (
            ["fit", "{cdnow}", *DATA, "--model", "bgnbd", "--observation-end", "1997-01-01"],
            "No customer has bought twice",
        ),
    ],
)
def test_bad_input_exits_1_with_one_message(tmp_path, args, message):
    done = patron(*(a.format(cdnow=CDNOW, tmp=tmp_path) for a in args))
    assert done.returncode == 1
    assert done.stderr.startswith("patron analytics: ") and message in done.stderr
    assert "Traceback" not in done.stderr
