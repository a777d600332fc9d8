"""The optimiser's inputs: analytic gradients and Hessians agree with differences of the
log-likelihood, and the Newton fit lands where the likelihood is flat."""

import numpy as np
import polars as pl
import pytest
from scipy.special import betaln, gammaln

from patron.analytics import BadInput, BetaGeo, GammaGamma, ParetoNBD, bgnbd, fitting, gammagamma, simulate
from patron.analytics.fitting import Histories
from patron.analytics.gammagamma import _terms as spend_terms
from patron.analytics.tests.cdnow import cdnow_summary
from patron.analytics.tests.differences import differences


@pytest.fixture(scope="module")
def cdnow():
    return cdnow_summary()


def bgnbd_terms(summary):
    return BetaGeo._terms(Histories.of(*(summary[c].to_numpy() for c in ("x", "t_x", "T"))))


def repeat_spend(summary):
    repeat = summary["x"].to_numpy() > 0
    return summary["x"].to_numpy()[repeat], summary["mean_spend"].to_numpy()[repeat]


@pytest.mark.parametrize("p", [(0.243, 4.414, 0.793, 2.426), (2.0, 0.5, 3.0, 0.7), (0.05, 40.0, 0.2, 9.0)])
def test_bgnbd_gradient_and_hessian_are_the_likelihoods_derivatives(cdnow, p):
    terms, p = bgnbd_terms(cdnow), np.array(p)
    assert terms.gradient(p) == pytest.approx(differences(terms.loglik, p), rel=1e-5, abs=1e-4)
    assert terms.hessian(p) == pytest.approx(differences(terms.gradient, p), rel=1e-5, abs=1e-3)


def test_bgnbd_sums_block_by_block_to_the_likelihood_customer_by_customer(cdnow, monkeypatch):
    """Sums over the distinct histories taken in blocks of 7 give the likelihood summed
    customer by customer from the paper's formula, and the same derivatives as one block."""
    x, t_x, T = (cdnow[c].to_numpy() for c in ("x", "t_x", "T"))
    whole = bgnbd_terms(cdnow)
    monkeypatch.setattr(bgnbd, "BLOCK", 7)
    blocks = bgnbd_terms(cdnow)
    for p in [(0.243, 4.414, 0.793, 2.426), (2.0, 0.5, 3.0, 0.7)]:
        r, alpha, a, b = p
        alive = -(r + x) * np.log(alpha + T)
        with np.errstate(divide="ignore", invalid="ignore"):
            gone = np.where(x > 0, np.log(a / (b + x - 1)) - (r + x) * np.log(alpha + t_x), -np.inf)
        direct = np.sum(
            betaln(a, b + x)
            - betaln(a, b)
            + gammaln(r + x)
            - gammaln(r)
            + r * np.log(alpha)
            + np.logaddexp(alive, gone)
        )
        p = np.array(p)
        assert whole.loglik(p) == pytest.approx(direct, rel=1e-12)
        assert blocks.loglik(p) == pytest.approx(direct, rel=1e-12)
        assert blocks.gradient(p) == pytest.approx(whole.gradient(p), rel=1e-10)
        assert blocks.hessian(p) == pytest.approx(whole.hessian(p), rel=1e-10)


@pytest.mark.parametrize("unit", [None, 7, 1], ids=["days-in-weeks", "whole-days", "whole-weeks-many-times"])
def test_distinct_histories_packed_in_one_key_equal_a_group_by(cdnow, monkeypatch, unit):
    """Histories found on one integer key per customer (the codes of x, t_x and T) are those of
    a group-by on the three columns, sorted, with the same counts and each customer's row;
    whole numbers (daily data) are coded by counting, fractions by sorting, and the keys
    counted where there are fewer possible keys than customers, else sorted."""
    x, t_x, T = (cdnow[c].to_numpy() for c in ("x", "t_x", "T"))
    if unit is not None:
        t_x, T = np.ceil(t_x * unit), np.ceil(T * unit)
    if unit == 1:
        x, t_x, T = (np.tile(column, 30) for column in (x, t_x, T))
        grid = len(np.unique(x)) * len(np.unique(t_x)) * len(np.unique(T))
        assert grid <= len(x)
    packed = Histories.of(x, t_x, T, with_index=True)
    monkeypatch.setattr(fitting, "PACKED", 1)
    grouped = Histories.of(x, t_x, T, with_index=True)
    assert len(packed.x) < len(x)
    for column in ("x", "t_x", "T", "count", "index"):
        assert np.array_equal(getattr(packed, column), getattr(grouped, column)), column
    assert np.array_equal(packed.x[packed.index], x) and np.array_equal(packed.T[packed.index], T)
    order = pl.DataFrame({"x": packed.x, "t_x": packed.t_x, "T": packed.T})
    assert order.equals(order.sort("x", "t_x", "T"))


@pytest.mark.parametrize(
    "values",
    [
        [3.0, 1.0, 3.0, 7.0],
        [0.5, 0.25, 0.5],
        [2.0**40, 1.0, 2.0**40],
        [5.0],
        [1e300, 1e300],
        [-2.0, 0.0, -2.0],
    ],
    ids=repr,
)
def test_codes_place_each_value_among_the_distinct_ones(values):
    values = np.array(values)
    distinct, places = fitting.codes(values)
    assert np.array_equal(distinct, np.unique(values))
    assert np.array_equal(distinct[places], values)


@pytest.mark.parametrize("k", [1, 3, 10, 5000])
def test_every_kth_customer_along_the_histories(cdnow, k):
    """The sample is every k-th customer once the customers are sorted by history: the same
    histories and counts as taking them one by one."""
    h = Histories.of(*(cdnow[c].to_numpy() for c in ("x", "t_x", "T")))
    one_by_one = np.repeat(np.arange(len(h.x)), h.count)[::k]
    sample = h.every(k)
    assert sample.customers == len(one_by_one) == -(-h.customers // k)
    rows, count = np.unique(one_by_one, return_counts=True)
    assert np.array_equal(sample.count, count)
    for column in ("x", "t_x", "T"):
        assert np.array_equal(getattr(sample, column), getattr(h, column)[rows])


def test_a_bgnbd_fit_of_many_customers_starts_from_a_sample(monkeypatch):
    """60,000 customers are first fitted on every tenth (along their histories); the fit lands
    where one started at the truth does, and where the slope of the whole likelihood is nil."""
    truth = {"r": 1.2, "alpha": 7.0, "a": 0.8, "b": 6.0}
    summary = simulate.summary(60_000, BetaGeo(truth), window=104.0, seed=8)
    fits = recorded_fits(monkeypatch)
    sampled = BetaGeo().fit(summary)
    assert [customers for _, customers in fits] == [6_000, 60_000]
    assert fits[1][0] != BetaGeo.start
    started_at_truth = BetaGeo().fit(summary, start=truth)
    assert sampled.params_ == pytest.approx(started_at_truth.params_, rel=1e-7)
    p = np.array(list(sampled.params_.values()))
    assert np.max(np.abs(bgnbd_terms(summary).gradient(p) * p / sampled.customers_)) < 1e-9


def test_a_pareto_nbd_fit_of_many_customers_does_not_start_from_samples(monkeypatch):
    """L-BFGS-B takes about as many steps from a sample's fit as from the default start, so
    Pareto/NBD goes straight to the whole data."""
    summary = simulate.summary(60_000, ParetoNBD({"r": 1.2, "alpha": 7.0, "s": 0.8, "beta": 12.0}), seed=9)
    summary = summary.with_columns((pl.col("t_x", "T") * 7).ceil() / 7)  # whole days, as data has them
    fits = recorded_fits(monkeypatch)
    ParetoNBD().fit(summary)
    assert [customers for _, customers in fits] == [60_000]


@pytest.mark.parametrize("p", [(6.25, 3.74, 15.44), (0.5, 2.0, 20.0), (40.0, 1.5, 0.3)])
def test_gamma_gamma_gradient_and_hessian_are_the_likelihoods_derivatives(cdnow, p):
    terms, p = spend_terms(*repeat_spend(cdnow)), np.array(p)
    value, gradient = terms.value_and_gradient(p)
    assert value == pytest.approx(terms.loglik(p), rel=1e-14)
    assert gradient == pytest.approx(differences(terms.loglik, p), rel=1e-5)
    assert terms.hessian(p) == pytest.approx(differences(terms.gradient, p), rel=1e-5, abs=1e-3)


@pytest.mark.parametrize(("model", "start"), [(BetaGeo, None), (GammaGamma, None), (BetaGeo, "far")])
def test_the_fit_stops_where_the_slope_is_nil(cdnow, model, start):
    """Newton steps (damped from far), polished: the slope at the fit is nil to rounding, far
    below what would move the printed parameters, whether it starts near or far."""
    if start == "far":
        start = {"r": 50.0, "alpha": 0.01, "a": 20.0, "b": 0.05}
    fitted = model().fit(cdnow, start=start)
    p = np.array(list(fitted.params_.values()))
    terms = bgnbd_terms(cdnow) if model is BetaGeo else spend_terms(*repeat_spend(cdnow))
    slope = terms.gradient(p) * p / fitted.customers_
    assert np.max(np.abs(slope)) < 1e-9
    covariance = np.linalg.inv(-terms.hessian(p))
    assert list(fitted.standard_errors_.values()) == pytest.approx(np.sqrt(np.diag(covariance)), rel=1e-12)


def test_gamma_gamma_sums_block_by_block_over_customers_with_and_without_repeats(monkeypatch):
    """Sums taken in blocks, with customers of x = 0 among them, give the likelihood summed
    customer by customer over the repeat buyers."""
    rng = np.random.default_rng(11)
    x = rng.integers(0, 6, 1000)
    m = np.where(x > 0, rng.gamma(4.0, 12.0, 1000), rng.gamma(1.0, 5.0, 1000))  # any spend at x = 0
    p = np.array([3.0, 2.5, 20.0])
    whole = spend_terms(x, m)
    monkeypatch.setattr(gammagamma, "BLOCK", 7)
    blocks = spend_terms(x, m)
    a, b, g = p
    r, mr = x[x > 0], m[x > 0]
    direct = np.sum(
        gammaln(a * r + b)
        - gammaln(a * r)
        - gammaln(b)
        + b * np.log(g)
        + (a * r - 1) * np.log(mr)
        + a * r * np.log(r)
        - (a * r + b) * np.log(g + r * mr)
    )
    assert whole.loglik(p) == pytest.approx(direct, rel=1e-12)
    assert blocks.loglik(p) == pytest.approx(direct, rel=1e-12)
    assert blocks.gradient(p) == pytest.approx(whole.gradient(p), rel=1e-10)
    assert blocks.hessian(p) == pytest.approx(whole.hessian(p), rel=1e-10)


SPEND = {"p": 6.0, "q": 4.0, "gamma": 15.0}


def spends(customers, seed):
    """Frequencies and mean spends drawn from BG/NBD and Gamma-Gamma."""
    drawn = simulate.summary(
        customers, BetaGeo({"r": 1.2, "alpha": 7.0, "a": 0.8, "b": 6.0}), GammaGamma(SPEND), seed=seed
    )
    return drawn["x"].to_numpy(writable=True), drawn["mean_spend"].to_numpy(writable=True)


def recorded_fits(monkeypatch):
    """The start and the number of customers of every `maximise` from now on."""
    fits, maximise = [], fitting.maximise

    def recorded(terms, start, names, *, customers, units=None):
        fits.append((start, customers))
        return maximise(terms, start, names, customers=customers, units=units)

    monkeypatch.setattr(fitting, "maximise", recorded)
    return fits


def test_a_fit_started_from_samples_of_samples_reaches_the_optimum(monkeypatch):
    """600,000 customers are first fitted on every hundredth, then every tenth; the fit lands
    where one started at the truth does, and where the slope of the whole likelihood is nil."""
    x, mean_spend = spends(600_000, seed=5)
    fits = recorded_fits(monkeypatch)
    sampled = GammaGamma().fit(x=x, mean_spend=mean_spend)
    sizes = [customers for _, customers in fits]
    assert sizes[0] < sizes[1] < sizes[2] and sizes[2] // sizes[0] in (99, 100, 101)
    truth = GammaGamma().fit(x=x, mean_spend=mean_spend, start=SPEND)
    assert sampled.params_ == pytest.approx(truth.params_, rel=1e-7)
    p = np.array(list(sampled.params_.values()))
    assert np.max(np.abs(spend_terms(x, mean_spend).gradient(p) * p / sampled.customers_)) < 1e-9


def test_a_sample_that_cannot_be_fitted_leaves_the_fit_to_start_from_the_default(monkeypatch):
    """Every tenth customer has bought once only: the sample has no repeat buyer, and the
    whole data is fitted from the default start instead (gamma in the unit of the spends)."""
    x, mean_spend = spends(70_000, seed=6)
    x[::10], mean_spend[::10] = 0, 0.0
    fits = recorded_fits(monkeypatch)
    fitted = GammaGamma().fit(x=x, mean_spend=mean_spend)
    [(start, _customers)] = fits
    assert start == pytest.approx((1.0, 1.0, mean_spend[x > 0].mean()), rel=1e-9)
    truth = GammaGamma().fit(x=x, mean_spend=mean_spend, start=SPEND)
    assert fitted.customers_ >= fitting.MANY
    assert fitted.params_ == pytest.approx(truth.params_, rel=1e-7)


def test_gamma_gamma_refuses_fractional_frequencies():
    with pytest.raises(BadInput, match="1 frequencies x are not whole numbers"):
        GammaGamma().fit(x=[1, 2.5, 3, 4], mean_spend=[10.0, 12.0, 9.0, 15.0])


def test_a_far_start_is_walked_down_by_damped_steps(monkeypatch):
    """From the default start on a small shop's spends, a plain Newton step would leap to
    p = 1e110; steps are cut to a factor e^0.5 and damped until they lower the value, and
    they reach the optimum the slope says it is without scipy's trust region."""

    def no_trust_region(*args, **options):
        raise AssertionError("the trust region was not needed")

    monkeypatch.setattr(fitting, "_minimise", no_trust_region)
    rng = np.random.default_rng(7)
    x = rng.integers(1, 6, 600).astype(float)
    mean_spend = rng.gamma(13.0 * x, 1.0 / (x * rng.gamma(2.8, 1 / 109.0, 600)))
    fitted = GammaGamma().fit(x=x, mean_spend=mean_spend)
    terms = spend_terms(x, mean_spend)
    p = np.array(list(fitted.params_.values()))
    assert np.max(np.abs(terms.gradient(p) * p / len(x))) < 1e-9
    assert all(0.1 < v < 1e3 for v in p)
