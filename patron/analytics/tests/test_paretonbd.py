"""Pareto/NBD's likelihood, its gradient and the 2F1 series beneath them, against arbitrary
precision and against central differences."""

import mpmath
import numpy as np
import pytest

from patron.analytics import ParetoNBD
from patron.analytics.fitting import Histories
from patron.analytics.paretonbd import Cells
from patron.analytics.series import log_hyp2f1_a_a1, log_hyp2f1_a_a1_grid
from patron.analytics.tests.cdnow import cdnow_summary
from patron.analytics.tests.differences import differences

# Both sides of A0's branch (alpha >= beta or not), and alpha = beta where z = 0.
PARAMS = [
    (0.553, 10.578, 0.606, 11.669),  # CDNOW's: alpha < beta, close
    (1.8, 30.0, 0.35, 2.0),  # alpha > beta, z near 1 at t = 0
    (0.4, 2.0, 1.5, 60.0),  # alpha < beta, z near 1 at t = 0
    (0.7, 5.0, 1.3, 5.0),  # alpha = beta
]


@pytest.fixture(scope="module", params=["days", "seconds"])
def histories(request):
    """CDNOW's distinct histories and heavy buyers with long histories: in days (few distinct
    times: the series is summed on the grid of x by time), or with times to the second (as
    many times as histories: it is summed pair by pair)."""
    summary = cdnow_summary()
    x, t_x, T = (
        np.append(summary[c].to_numpy(), extra)
        for c, extra in (
            ("x", [300, 2000, 2000, 150]),
            ("t_x", [99, 1000, 400, 39]),
            ("T", [100, 1000, 1000, 39]),
        )
    )
    if request.param == "seconds":
        seconds = np.random.default_rng(1).uniform(0, 1e-3, x.size)
        t_x, T = np.where(x > 0, t_x + seconds, 0), T + seconds
    h = Histories.of(x, t_x, T)
    assert (Cells.of(h.x, h.t_x, h.T).pairs is None) == (request.param == "days")
    return h


def mp_log_hyp2f1(a, b, z):
    return mpmath.log(mpmath.hyp2f1(a, b, a + 1, z))


@pytest.mark.parametrize(
    ("a", "b", "z"),
    [
        (1.5, 1.6, 0.1),
        (30, 2, 0.9),
        (500, 400, 0.7),
        (2000.5, 1.6, 0.99),
        (5000, 4000, 0.95),
        (3, 2, 0.0),
        (1.2, 0.3, 0.999),
        (2.5, 3.2, 0.5),
    ],
)
def test_the_derivatives_of_the_series_match_arbitrary_precision(a, b, z):
    """(The series itself: test_models.py.)"""
    mpmath.mp.dps = 40
    value, d_a, d_b, d_z = (float(v) for v in log_hyp2f1_a_a1(a, b, z, derivatives=True))
    assert value == pytest.approx(float(log_hyp2f1_a_a1(a, b, z)), rel=1e-14, abs=1e-15)
    assert d_a == pytest.approx(float(mpmath.diff(lambda u: mp_log_hyp2f1(u, b, z), a)), rel=1e-11, abs=1e-15)
    assert d_b == pytest.approx(float(mpmath.diff(lambda u: mp_log_hyp2f1(a, u, z), b)), rel=1e-11, abs=1e-15)
    # Where b < 1 and z is near 1, d/dz is the difference of two terms near 1 / (1 - z).
    assert d_z == pytest.approx(float(mpmath.diff(lambda u: mp_log_hyp2f1(a, b, u), z)), rel=1e-10)


def test_the_grid_sums_every_row_with_every_column():
    """Rows and columns that converge at very different speeds, summed together, as each
    (a, b, z) alone."""
    mpmath.mp.dps = 40
    a, b, z = np.array([1.5, 30, 5000, 2.3]), np.array([1.6, 2, 4000, 0.4]), np.array([0.0, 0.3, 0.95, 0.999])
    grid = log_hyp2f1_a_a1_grid(a, b, z, derivatives=True)
    alone = log_hyp2f1_a_a1(a[:, None], b[:, None], z, derivatives=True)
    for on_grid, each in zip(grid, alone, strict=True):
        np.testing.assert_allclose(on_grid, each, rtol=1e-13, atol=1e-15)
    for i in range(a.size):
        for j in range(z.size):
            assert grid[0][i, j] == pytest.approx(
                float(mp_log_hyp2f1(a[i], b[i], z[j])), rel=1e-13, abs=1e-15
            )
            slope = float(mpmath.diff(lambda u, i=i: mp_log_hyp2f1(a[i], b[i], u), z[j]))
            assert grid[3][i, j] == pytest.approx(slope, rel=1e-10)


def mp_loglik(p, h):
    """The log-likelihood summed history by history in arbitrary precision, A0 as a difference."""
    mpmath.mp.dps = 30
    r, alpha, s, beta = (mpmath.mpf(v) for v in p)
    big, small = max(alpha, beta), min(alpha, beta)
    total = 0
    for x, t_x, T, count in zip(h.x, h.t_x, h.T, h.count, strict=True):
        a, b = r + s + x, s + 1 if alpha >= beta else r + x

        def tail(t, a=a, b=b):
            return mpmath.hyp2f1(a, b, a + 1, (big - small) / (big + t)) / (big + t) ** a

        first = mpmath.loggamma(r + x) - mpmath.loggamma(r) + r * mpmath.log(alpha) + s * mpmath.log(beta)
        alive = (alpha + T) ** -(r + x) * (beta + T) ** -s
        total += int(count) * (first + mpmath.log(alive + s / a * (tail(t_x) - tail(T))))
    return float(total)


@pytest.mark.parametrize("p", PARAMS)
def test_the_log_likelihood_is_the_sum_over_histories(p, histories):
    """The series summed once per distinct x and time, gathered back to each history, gives
    each history's log-likelihood: the total to 1e-12."""
    terms = ParetoNBD._terms(histories)
    value, _ = terms.value_and_gradient(np.array(p))
    assert terms.loglik(np.array(p)) == pytest.approx(value, rel=1e-14)
    assert value == pytest.approx(mp_loglik(p, histories), rel=1e-12)


@pytest.mark.parametrize("p", PARAMS)
def test_the_gradient_is_the_slope_of_the_log_likelihood(p, histories):
    terms = ParetoNBD._terms(histories)
    p = np.array(p)
    gradient = terms.value_and_gradient(p)[1]
    assert np.array_equal(terms.gradient(p), gradient)
    assert gradient == pytest.approx(differences(terms.loglik, p, step=1e-5), rel=1e-6)


def test_the_gradient_is_continuous_where_alpha_passes_beta(histories):
    """At alpha = beta the branches meet (z = 0 in both): the gradients either side agree."""
    terms = ParetoNBD._terms(histories)
    at = terms.gradient(np.array([0.7, 5.0, 1.3, 5.0]))
    for alpha, beta in [(5.0 + 1e-7, 5.0), (5.0, 5.0 + 1e-7)]:
        assert terms.gradient(np.array([0.7, alpha, 1.3, beta])) == pytest.approx(at, rel=1e-5)


def test_cdnow_fit_is_the_published_one_where_the_gradient_vanishes():
    summary = cdnow_summary()
    model = ParetoNBD().fit(summary)
    assert {k: round(v, 3) for k, v in model.params_.items()} == {
        "r": 0.553,
        "alpha": 10.578,
        "s": 0.606,
        "beta": 11.669,
    }
    h = Histories.of(summary["x"].to_numpy(), summary["t_x"].to_numpy(), summary["T"].to_numpy())
    p = np.array([model.params_[n] for n in ParetoNBD.names])
    # The slope in log-parameters, per customer.
    assert np.max(np.abs(ParetoNBD._terms(h).gradient(p) * p / h.customers)) < 1e-6
