"""The full CDNOW data set (23,570 customers), against `lifetimes` 0.11.3 on the same customers.

One repeat buyer (customer 10244: $15.96 on 1997-02-07, then one CD for $0.00 on 1997-03-07)
has a mean repeat spend of 0. lifetimes' documentation fits Gamma-Gamma on the customers with
frequency > 0, and its fitter refuses a monetary value of 0, so they are left out there too.
"""

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest

from patron.analytics import BetaGeo, GammaGamma, ZeroSpendWarning, clv, score
from patron.analytics.tests.cdnow import CDNOW_MASTER, cdnow_master_summary
from patron.analytics.tests.test_cli import DATA, patron

with warnings.catch_warnings():  # lifetimes sets a pandas option that pandas 3 deprecates
    warnings.simplefilter("ignore")
    import lifetimes
    from lifetimes.utils import summary_data_from_transaction_data

LIFETIMES_MASTER = Path(lifetimes.__file__).parent / "datasets" / "CDNOW_master.txt"
FREE = "10244"  # the repeat buyer whose repeat purchase was free


def four_figures(values):
    return [f"{v:.4g}" for v in values]


@pytest.fixture(scope="module")
def transactions():
    return pl.read_parquet(CDNOW_MASTER)


@pytest.fixture(scope="module")
def summary():
    return cdnow_master_summary()


@pytest.fixture(scope="module")
def theirs(transactions, summary):
    """lifetimes' summary of the same rows (days, 7 to a week, as the papers count), in Patron's order."""
    table = summary_data_from_transaction_data(
        transactions.to_pandas(), "customer", "date", monetary_value_col="amount", freq="D", freq_multiplier=7
    )
    return table.loc[summary["customer"].to_list()]


@pytest.fixture(scope="module")
def fitted(summary):
    with pytest.warns(ZeroSpendWarning, match="left out of the Gamma-Gamma fit: 1"):
        return GammaGamma().fit(summary)


def test_the_committed_copy_is_lifetimes_file_row_for_row(transactions):
    original = pd.read_csv(LIFETIMES_MASTER, sep=r"\s+", dtype={"customer_id": str, "date": str})
    assert transactions.height == len(original) == 69_659
    assert transactions["customer"].to_list() == original["customer_id"].to_list()
    assert transactions["date"].dt.strftime("%Y%m%d").to_list() == original["date"].to_list()
    assert transactions["cds"].to_list() == original["number_of_cds"].to_list()
    assert np.array_equal(transactions["amount"].to_numpy(), original["dollar_value"].to_numpy())


def test_the_summary_equals_lifetimes(summary, theirs):
    assert summary.height == 23_570
    assert (summary["x"] > 0).sum() == 11_516
    for ours, their in (("x", "frequency"), ("t_x", "recency"), ("T", "T"), ("mean_spend", "monetary_value")):
        assert np.allclose(summary[ours].to_numpy(), theirs[their].to_numpy(), rtol=1e-12, atol=1e-9), ours
    free = summary.filter((pl.col("x") > 0) & (pl.col("mean_spend") == 0))
    assert free["customer"].to_list() == [FREE]


def test_gamma_gamma_leaves_out_the_free_repeat_buyer_and_agrees_with_lifetimes(fitted, theirs):
    """lifetimes' documented practice: fit on frequency > 0 (and, for its fitter to accept them,
    monetary_value > 0). The same 11,515 customers, the same parameters to 4 significant figures,
    the same log-likelihood by lifetimes' own function, standard errors within 1%."""
    returning = theirs[(theirs["frequency"] > 0) & (theirs["monetary_value"] > 0)]
    reference = lifetimes.GammaGammaFitter().fit(returning["frequency"], returning["monetary_value"])
    assert (fitted.customers_, fitted.excluded_) == (len(returning), 1) == (11_515, 1)
    ours = [fitted.params_[n] for n in ("p", "q", "gamma")]
    their = [float(reference.params_[n]) for n in ("p", "q", "v")]
    assert four_figures(ours) == four_figures(their)
    n = len(returning)
    their_loglik = -n * lifetimes.GammaGammaFitter._negative_log_likelihood(
        np.log(ours),
        returning["frequency"].to_numpy(),
        returning["monetary_value"].to_numpy(),
        np.ones(n),
        0.0,
    )
    assert fitted.loglik_ == pytest.approx(their_loglik, rel=1e-12)
    for ours_name, their_name in zip(("p", "q", "gamma"), ("p", "q", "v"), strict=True):
        assert fitted.standard_errors_[ours_name] == pytest.approx(
            float(reference.standard_errors_[their_name]), rel=1e-2
        )


def test_every_customer_has_the_expected_spend_lifetimes_gives(fitted, summary, theirs):
    """With the same parameters, lifetimes' conditional_expected_average_profit on every
    customer: the population mean for x = 0, and for the free repeat buyer the same formula at
    a mean spend of 0, gamma p / (p x + q - 1)."""
    reference = lifetimes.GammaGammaFitter()
    reference.params_ = pd.Series([fitted.params_[n] for n in ("p", "q", "gamma")], index=["p", "q", "v"])
    expected = reference.conditional_expected_average_profit(theirs["frequency"], theirs["monetary_value"])
    spend = fitted.expected_spend(summary)
    assert np.allclose(spend, expected.to_numpy(), rtol=1e-12, atol=0)
    p, q, gamma = (fitted.params_[n] for n in ("p", "q", "gamma"))
    free = summary["customer"].to_list().index(FREE)
    assert spend[free] == pytest.approx(gamma * p / (p + q - 1), rel=1e-12)  # x = 1, m = 0
    assert 0 < spend[free] < gamma * p / (q - 1)


def test_every_customer_has_the_clv_lifetimes_gives(fitted, summary, theirs):
    bg = BetaGeo().fit(summary)
    purchases = lifetimes.BetaGeoFitter()
    purchases.params_ = pd.Series(
        [bg.params_[n] for n in ("r", "alpha", "a", "b")], index=["r", "alpha", "a", "b"]
    )
    purchases.predict = purchases.conditional_expected_number_of_purchases_up_to_time
    spend = lifetimes.GammaGammaFitter()
    spend.params_ = pd.Series([fitted.params_[n] for n in ("p", "q", "gamma")], index=["p", "q", "v"])
    columns = (theirs[c] for c in ("frequency", "recency", "T", "monetary_value"))
    with np.errstate(divide="ignore"):  # lifetimes' log A0 is log 0 where t_x = T (P(alive) = 1)
        expected = spend.customer_lifetime_value(
            purchases, *columns, time=12, discount_rate=0.01, freq="W"
        ).to_numpy()
    got = clv(bg, fitted, summary, horizon=12, discount=0.01, periods_per_month=4.345)
    assert np.isfinite(got).all() and np.isfinite(expected).all()
    assert np.allclose(got, expected, rtol=1e-9, atol=0)
    table = score(summary, bg, fitted, period="week", horizon=12, discount=0.01)
    assert table.height == 23_570
    assert table.select(pl.col("expected_spend", "clv").is_finite().all()).row(0) == (True, True)


@pytest.mark.parametrize("as_json", [True, False])
def test_patron_analytics_fit_takes_the_full_data_and_says_who_it_left_out(as_json):
    done = patron("fit", str(CDNOW_MASTER), *DATA, "--model", "gammagamma", *(["--json"] if as_json else []))
    assert done.returncode == 0, done.stderr
    if as_json:
        report = json.loads(done.stdout)
        assert (report["customers"], report["fitted_on"], report["excluded_zero_spend"]) == (
            23_570,
            11_515,
            1,
        )
        assert four_figures(report["params"].values()) == ["5.086", "3.995", "21.25"]
        assert report["warnings"] == [
            "Repeat buyers with a mean spend of 0 (free orders), left out of the Gamma-Gamma fit: 1. "
            "Their expected spend is the model's for a mean spend of 0."
        ]
    else:
        assert "excluded_zero_spend    1" in done.stdout
        assert "warning: Repeat buyers with a mean spend of 0 (free orders), left out" in done.stdout


def test_patron_analytics_score_scores_every_customer_of_the_full_data(tmp_path):
    out = tmp_path / "scores.parquet"
    done = patron("score", str(CDNOW_MASTER), *DATA, "--out", str(out), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["customers"], report["spend_excluded_zero_spend"]) == (23_570, 1)
    assert any("left out of the Gamma-Gamma fit: 1" in w for w in report["warnings"])
    table = pl.read_parquet(out)
    assert table.height == 23_570
    assert table.select(pl.col("p_alive", "expected_spend", "clv").is_finite().all()).row(0) == (True,) * 3
    p, q, gamma = (report["spend_params"][n] for n in ("p", "q", "gamma"))
    free = table.filter(pl.col("customer") == FREE).row(0, named=True)
    assert free["expected_spend"] == pytest.approx(gamma * p / (p + q - 1), rel=1e-9)
    text = patron("score", str(CDNOW_MASTER), *DATA, "--out", str(out))
    assert text.returncode == 0, text.stderr
    assert "spend_excluded_zero_spend 1" in text.stdout
