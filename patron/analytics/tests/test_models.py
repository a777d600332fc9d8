"""The models' arithmetic, their limits, and what they refuse."""

import warnings

import mpmath
import numpy as np
import pytest

from patron.analytics import (
    BadInput,
    BetaGeo,
    GammaGamma,
    NotIdentified,
    ParetoNBD,
    SpendCorrelationWarning,
    ZeroSpendWarning,
)
from patron.analytics.series import log_hyp2f1_a_a1
from patron.analytics.tests.cdnow import cdnow_summary

BG = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PN = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.667}


@pytest.mark.parametrize(
    ("a", "b", "z"),
    [(1.5, 1.6, 0.1), (30, 2, 0.9), (500, 400, 0.7), (2000.5, 1.6, 0.99), (5000, 4000, 0.95), (3, 2, 0.0)],
)
def test_the_hypergeometric_series_matches_arbitrary_precision(a, b, z):
    mpmath.mp.dps = 40
    expected = float(mpmath.log(mpmath.hyp2f1(a, b, a + 1, z)))
    assert float(log_hyp2f1_a_a1(a, b, z)) == pytest.approx(expected, rel=1e-13, abs=1e-15)


def test_pareto_nbd_stays_finite_for_heavy_buyers():
    """Hundreds of purchases over a long history: scipy's hyp2f1 gives nan here."""
    model = ParetoNBD(PN)
    x, t_x, T = (
        np.array([0, 5, 300, 2000, 2000]),
        np.array([0, 10, 99, 1000, 400]),
        np.array([50, 100, 100, 1000, 1000]),
    )
    alive = model.p_alive(x=x, t_x=t_x, T=T)
    assert np.all((alive >= 0) & (alive <= 1))
    assert alive[3] == pytest.approx(1.0)  # bought at the very end
    assert alive[4] < 1e-100  # a buyer of 2,000 who stopped 600 periods ago
    assert np.isfinite(model.loglik(x=x, t_x=t_x, T=T))
    assert np.all(np.isfinite(model.expected_purchases(10, x=x, t_x=t_x, T=T)))


@pytest.mark.parametrize("model", [BetaGeo(BG), ParetoNBD(PN)])
def test_predictions_behave(model):
    x, t_x, T = np.array([0, 2, 2, 10]), np.array([0, 30, 5, 38]), np.array([38, 38, 38, 38])
    alive = model.p_alive(x=x, t_x=t_x, T=T)
    assert alive[1] > alive[2]  # the same purchases, the more recent ones more likely alive
    assert np.all(model.expected_purchases(0, x=x, t_x=t_x, T=T) == 0)
    soon, later = (
        model.expected_purchases(10, x=x, t_x=t_x, T=T),
        model.expected_purchases(52, x=x, t_x=t_x, T=T),
    )
    assert np.all(later > soon) and soon[3] > soon[1] > soon[2]
    population = model.expected_population(np.array([0.0, 1, 10, 100]))
    assert population[0] == 0 and np.all(np.diff(population) > 0)


def test_expected_spend_shrinks_towards_the_population_mean():
    model = GammaGamma({"p": 6.25, "q": 3.74, "gamma": 15.44})
    population = 6.25 * 15.44 / (3.74 - 1)
    spend = model.expected_spend(x=np.array([1, 20, 1]), mean_spend=np.array([100.0, 100.0, 5.0]))
    assert population < spend[1] < 100 and population < spend[0] < spend[1]
    assert 5 < spend[2] < population


def test_gamma_gamma_fits_spends_in_any_currency_alike():
    """CDNOW's dollars counted in dong (about 25,000 to the dollar): gamma, a spend, is 25,000
    times larger and no boundary (the fit once said "ran off to a boundary" for every shop
    counting in dong); p and q and the predictions in dollars are the same."""
    summary = cdnow_summary()
    dollars = GammaGamma().fit(summary)
    dong = GammaGamma().fit(x=summary["x"], mean_spend=summary["mean_spend"] * 25_000)
    assert dong.params_["p"] == pytest.approx(dollars.params_["p"], rel=1e-5)
    assert dong.params_["q"] == pytest.approx(dollars.params_["q"], rel=1e-5)
    assert dong.params_["gamma"] == pytest.approx(dollars.params_["gamma"] * 25_000, rel=1e-5)
    assert dong.params_["gamma"] > 1e5  # beyond BOUNDARY in dollars, not in the spend's unit
    spend = dong.expected_spend(x=summary["x"], mean_spend=summary["mean_spend"] * 25_000)
    assert spend == pytest.approx(dollars.expected_spend(summary) * 25_000, rel=1e-5)


def test_fits_report_standard_errors_and_intervals():
    model = BetaGeo().fit(cdnow_summary())
    low, high = model.confidence_intervals(0.99)["r"]
    assert low < model.params_["r"] < high
    assert high - low == pytest.approx(2 * 2.5758 * model.standard_errors_["r"], rel=1e-4)
    assert model.covariance_.shape == (4, 4)


@pytest.mark.parametrize("model", [BetaGeo, ParetoNBD])
def test_purchase_models_refuse_data_without_repeat_buyers(model):
    with pytest.raises(NotIdentified, match="No customer has bought twice"):
        model().fit(x=[0, 0, 0], t_x=[0, 0, 0], T=[10, 20, 30])


@pytest.mark.parametrize("model", [BetaGeo, ParetoNBD])
def test_purchase_models_refuse_a_single_period(model):
    with pytest.raises(NotIdentified, match="within one period"):
        model().fit(x=[1, 0, 2], t_x=[0.5, 0, 1], T=[1, 1, 1])


def test_gamma_gamma_refuses_what_cannot_identify_it():
    with pytest.raises(NotIdentified, match="No customer has bought twice"):
        GammaGamma().fit(x=[0, 0], mean_spend=[0.0, 0.0])
    with pytest.raises(NotIdentified, match="zero spend"):
        GammaGamma().fit(x=[1, 2, 0], mean_spend=[0.0, 0.0, 0.0])
    with pytest.raises(NotIdentified, match="spends the same"):
        GammaGamma().fit(x=[1, 2, 3], mean_spend=[10.0, 10.0, 10.0])
    with pytest.raises(BadInput, match="2 repeat buyers have a negative mean spend"):
        GammaGamma().fit(x=[1, 2, 3], mean_spend=[-1.0, -2.0, 10.0])
    with pytest.raises(BadInput, match="1 repeat buyers have a negative mean spend"):
        GammaGamma().fit(x=[1, 2, 3, 4], mean_spend=[0.0, 2.0, 10.0, -1.0])  # a zero is no excuse
    with pytest.raises(NotIdentified, match="spends the same"):
        GammaGamma().fit(x=[1, 2, 3, 0], mean_spend=[0.0, 10.0, 10.0, 0.0])  # the same, once left out


def test_gamma_gamma_leaves_out_repeat_buyers_with_zero_spend_and_says_so():
    """The CDNOW sample with a few repeat buyers' spend set to 0 (free orders) fits as the sample
    without them does, counts them, warns, and gives them the model's expectation at m = 0."""
    summary = cdnow_summary()
    x, m = summary["x"].to_numpy(), summary["mean_spend"].to_numpy().copy()
    free = np.flatnonzero(x > 0)[:7]
    m[free] = 0.0
    with pytest.warns(ZeroSpendWarning, match="left out of the Gamma-Gamma fit: 7"):
        model = GammaGamma().fit(x=x, mean_spend=m)
    kept = np.ones(len(x), dtype=bool)
    kept[free] = False
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        without = GammaGamma().fit(x=x[kept], mean_spend=m[kept])
    assert (model.excluded_, without.excluded_) == (7, 0)
    assert model.customers_ == without.customers_ == 946 - 7
    assert model.params_ == pytest.approx(without.params_, rel=1e-9)
    assert model.loglik_ == pytest.approx(without.loglik_, rel=1e-12)
    p, q, gamma = (model.params_[k] for k in ("p", "q", "gamma"))
    spend = model.expected_spend(x=x, mean_spend=m)
    assert spend[free] == pytest.approx(gamma * p / (p * x[free] + q - 1), rel=1e-12)
    assert np.all(spend[free] < gamma * p / (q - 1))  # below the population mean
    assert np.isfinite(spend).all() and np.all(spend > 0)


@pytest.mark.parametrize(
    ("x", "mean_spend", "message"),
    [
        ([1, -2, 3], [1.0, 2.0, 3.0], "1 frequencies x are negative"),
        ([1, np.nan, 3], [1.0, 2.0, 3.0], "frequencies or mean spends are missing"),
        ([1, 2, 0], [1.0, 2.0, np.nan], "frequencies or mean spends are missing"),
        ([1, 2, 0], [1.0, 2.0, np.inf], "mean spends are infinite"),
        ([1, 2, 3], [1e200, 2e200, 3e200], "Mean spends up to 3e\\+200 are too large"),
        (["one", "two"], [1.0, 2.0], "must be numbers"),
    ],
)
def test_gamma_gamma_names_bad_spend_data(x, mean_spend, message):
    with pytest.raises(BadInput, match=message):
        GammaGamma().fit(x=x, mean_spend=mean_spend)


def test_gamma_gamma_warns_when_spend_follows_frequency():
    rng = np.random.default_rng(3)
    x = rng.integers(1, 20, 2000)
    spend = 10 * x * rng.gamma(5, 1 / 5, 2000)
    with pytest.warns(SpendCorrelationWarning, match=r"correlated \(r = 0\.\d\d\)"):
        GammaGamma().fit(x=x, mean_spend=spend)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        GammaGamma().fit(cdnow_summary())  # CDNOW: r = 0.11, no warning


@pytest.mark.parametrize(
    ("x", "t_x", "T", "message"),
    [
        ([1, 2], [5, 50], [40, 40], "1 customers have a recency t_x after their age T"),
        ([1, -1], [5, 0], [40, 40], "1 customers are negative"),
        ([1.5, 1], [5, 5], [40, 40], "not a whole number"),
        ([2, 1], [0, 5], [40, 40], "repeat purchases but a recency of 0"),
        ([np.nan, 1], [5, 5], [40, 40], "are missing"),
        ([1, 2], [5], [40, 40], "the same length"),
        ([], [], [], "no customers"),
    ],
)
def test_bad_summaries_are_refused(x, t_x, T, message):
    with pytest.raises(BadInput, match=message):
        BetaGeo().fit(x=x, t_x=t_x, T=T)


def test_predicting_needs_parameters_and_one_horizon():
    with pytest.raises(BadInput, match="Fit the BetaGeo model first"):
        BetaGeo().p_alive(x=[1], t_x=[1], T=[2])
    with pytest.raises(BadInput, match="one number of periods"):
        BetaGeo(BG).expected_purchases([1, 2], x=[1], t_x=[1], T=[2])
    with pytest.raises(BadInput, match="columns x, t_x and T"):
        BetaGeo().fit({"x": [1]})


def test_bgnbd_refuses_a_dropout_that_is_the_same_for_everyone():
    """With one dropout probability for all, a and b grow without bound (the likelihood keeps rising
    towards the fixed-p limit): the fit says so rather than returning a = 1e8."""
    rng = np.random.default_rng(0)
    n, p = 5000, 0.15
    rate, T = rng.gamma(1.0, 1 / 5.0, n), rng.uniform(50, 100, n)
    x, t_x = np.zeros(n), np.zeros(n)
    for i in range(n):
        t = rng.exponential(1 / rate[i])
        while t <= T[i]:
            x[i], t_x[i] = x[i] + 1, t
            if rng.random() < p:
                break
            t += rng.exponential(1 / rate[i])
    with pytest.raises(NotIdentified, match="ran off to a boundary"):
        BetaGeo().fit(x=x, t_x=t_x, T=T)


def test_a_large_sum_does_not_throw_the_first_step_to_the_bounds():
    """Summed over many customers the gradient was so steep that L-BFGS-B's first step hit the
    bounds and stopped there, returning the start values as if fitted."""
    from patron.analytics import simulate

    truth = {"r": 2.0, "alpha": 2.0, "s": 0.7, "beta": 2.0}
    data = simulate.summary(30_000, ParetoNBD(truth), window=100, births=10, seed=3)
    model = ParetoNBD().fit(data)
    for name, value in truth.items():
        assert abs(model.params_[name] - value) < 4 * model.standard_errors_[name], name


def test_bgnbd_predictions_stay_finite_where_eulers_form_overflows():
    """With a and b in the thousands (dropout nearly the same for everyone) Euler's form of the
    2F1 is 0 x inf; the direct form gives the value, close to that of a nearby a and b."""
    x, t_x, T = np.array([0, 3, 10]), np.array([0, 20, 50.0]), np.array([60, 60, 60.0])
    far = BetaGeo({"r": 0.8, "alpha": 5.0, "a": 2000.0, "b": 9000.0}).expected_purchases(
        52, x=x, t_x=t_x, T=T
    )
    near = BetaGeo({"r": 0.8, "alpha": 5.0, "a": 900.0, "b": 4000.0}).expected_purchases(
        52, x=x, t_x=t_x, T=T
    )
    assert np.all(np.isfinite(far))
    assert far == pytest.approx(near, rel=0.05)
