"""The fits recover the parameters customers were drawn with (`patron.analytics.simulate`).

For each model, 100,000 customers are drawn with known parameters and fitted: every true
parameter must lie inside the fit's 99 % confidence interval, and the interval's full width
must be under 5 % of the true value. BG/NBD and Gamma-Gamma go through a transaction log and
`summarise(..., grain="exact")`, so the summary path is shown to be unbiased too; Pareto/NBD
fits the summary with its times recorded to the day.

A 99 % interval is 2 x 2.576 standard errors wide, so a width under 5 % needs a standard error
under 0.97 % of the value. What 100,000 customers can tell about a parameter is bounded by the
information in the model's unobserved quantities, even if they were observed exactly:

- BG/NBD a and b: the dropout probability p ~ Beta(a, b) is seen only through how many repeat
  purchases a customer makes before dropping out (beta-geometric). At best b's relative error
  is about 0.87 % (a=0.4, b=0.5) and it rises quickly with a + b, so dropout must be strong and
  varied: p ~ Beta(0.4, 0.5), so 62 % of the customers make at most 3 repeat purchases and 12 %
  make 50 or more. They must buy often (r=2, alpha=1: two purchases a period on average) and be
  watched long (T of 180-200 periods) for the dropout point to be plain. Widths: 2.8-4.7 %.
- Gamma-Gamma gamma: only the mean spend is seen, so p and the scale gamma of the spend rates
  trade off; even with half the customers at one repeat purchase and half at hundreds, gamma's
  99 % width at 100,000 customers is at least about 4.5 % (expected information), and with the
  purchase counts BG/NBD produced in our trials never under 5.2 % (here 6.1-6.3 %; p and q
  2.8-3.6 %). Gamma is allowed 7 %.
- Pareto/NBD beta: the lifetime is Pareto II (s, beta); even with every lifetime observed, the
  relative standard error of beta is (s + 1) sqrt((s + 2) / s) / sqrt(n), at least 1.05 % for
  n = 100,000 whatever s, a 99 % width of at least 5.4 %. With lifetimes seen through purchases
  (r=2, alpha=3: 0.67 purchases a period; s=0.8, beta=10: half the customers gone within 14
  periods, T of 140-150 periods) it is 6.8-7.0 % (r, alpha and s 3.2-3.9 %). Beta is allowed 8 %.

For these two, a second test draws 250,000 customers, whose intervals are all under 5 %
(Gamma-Gamma gamma at most 3.9 %, Pareto/NBD beta at most 4.4 % over seeds 0-19).

The seed is fixed. Run by hand over seeds 0-19, the 99 % intervals missed the true value in 2
of the 220 checks at 100,000 customers (Gamma-Gamma p at seed 0, z = -2.98; Pareto/NBD alpha at
seed 11, z = +2.87), and none at 250,000 in 140 checks, as 99 % coverage should; the widths
stayed under the limits in all of them. At the seed used every true value lies within 1.5
standard errors of its estimate, so rounding cannot flip a result.
"""

import polars as pl
import pytest

from patron.analytics import BetaGeo, GammaGamma, ParetoNBD, simulate, summarise

CUSTOMERS = 100_000
LEVEL = 0.99
WIDTH = 0.05
WINDOW = 200.0  # periods (weeks) observed; first purchases over the first BIRTHS of them
BIRTHS = 20.0

BG = {"r": 2.0, "alpha": 1.0, "a": 0.4, "b": 0.5}
GG = {"p": 0.5, "q": 2.0, "gamma": 20.0}
PARETO = {"r": 2.0, "alpha": 3.0, "s": 0.8, "beta": 10.0}
SEED = 6


def assert_recovered(model, true, widths=None):
    intervals = model.confidence_intervals(LEVEL)
    for name, value in true.items():
        low, high = intervals[name]
        limit = (widths or {}).get(name, WIDTH)
        assert low < value < high, (
            f"{name}={value} outside the 99 % interval ({low:.5g}, {high:.5g}) of {model}"
        )
        assert high - low < limit * value, (
            f"{name}: 99 % interval {(high - low) / value:.1%} wide, over {limit:.0%}"
        )


@pytest.fixture(scope="module")
def summary():
    """Transactions of customers who buy by BG/NBD and spend by Gamma-Gamma, summarised exactly."""
    log = simulate.transactions(
        CUSTOMERS, BetaGeo(BG), GammaGamma(GG), window=WINDOW, births=BIRTHS, seed=SEED
    )
    summary = summarise(log, period="week", grain="exact", observation_end=simulate.observation_end(WINDOW))
    assert summary.height == CUSTOMERS
    assert summary["x"].sum() == log.height - CUSTOMERS  # no two purchases merged into one occasion
    return summary


def test_bgnbd_recovers_its_parameters(summary):
    assert_recovered(BetaGeo().fit(summary), BG)


def test_gamma_gamma_recovers_its_parameters(summary):
    assert_recovered(GammaGamma().fit(summary), GG, widths={"gamma": 0.07})


def test_gamma_gamma_pins_gamma_within_5_percent_from_250000_customers():
    """Where 100,000 customers cannot give gamma a 99 % interval under 5 % (see above), 250,000
    do (3.9 % over seeds 0-2); the exact summary, since the log path is shown above."""
    data = simulate.summary(250_000, BetaGeo(BG), GammaGamma(GG), window=WINDOW, births=BIRTHS, seed=SEED)
    assert_recovered(GammaGamma().fit(data), GG)


def pareto_summary(customers):
    """Pareto/NBD customers with their times recorded to the day, as a shop records them: the
    fit then works on a few hundred distinct times rather than one per customer. Rounding to
    the nearest day leaves the times unbiased (rounding up moved s and beta by 3-5 standard
    errors); a repeat buyer's recency stays at least a day. Purchases are not merged: x is
    exact."""
    data = simulate.summary(customers, ParetoNBD(PARETO), window=150.0, births=10.0, seed=SEED)
    days = 7.0
    return data.with_columns(
        T=(pl.col("T") * days).round() / days,
        t_x=pl.when(pl.col("x") > 0).then((pl.col("t_x") * days).round().clip(1) / days).otherwise(0.0),
    )


def test_pareto_nbd_recovers_its_parameters():
    assert_recovered(ParetoNBD().fit(pareto_summary(CUSTOMERS)), PARETO, widths={"beta": 0.08})


def test_pareto_nbd_pins_beta_within_5_percent_from_250000_customers():
    """Beyond the bound 100,000 customers set on beta (see above): 4.3-4.4 % over seeds 0-2 and 6."""
    assert_recovered(ParetoNBD().fit(pareto_summary(250_000)), PARETO)
