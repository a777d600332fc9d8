"""Pareto/NBD: Schmittlein, Morrison & Colombo (1987), "Counting your customers".

While active, a customer buys at Poisson rate lambda ~ Gamma(r, alpha) and drops out at an
exponentially distributed time with rate mu ~ Gamma(s, beta). The likelihood follows Fader &
Hardie's note "Deriving an expression for P(X(t) = x) under the Pareto/NBD model" (2005),
with A0 in log space (see `series`).

A0 is the difference of one function of (x, t), `log_tail`, at t = t_x and at t = T. Its 2F1
series is most of the work, so it is summed once for each distinct x with each distinct time
(a few thousand values where there are tens of thousands of distinct histories) and gathered
back to the histories (`Cells`). The gradient is analytic: the series' derivatives are summed
alongside it.
"""

from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
from scipy.special import digamma, expit, gammaln

from patron.analytics.purchases import PurchaseModel
from patron.analytics.series import log_hyp2f1_a_a1, log_hyp2f1_a_a1_grid

# The series is summed on the whole grid of distinct x by distinct time (matrix products) unless
# the grid has this many times more cells than there are distinct (x, time) pairs (times to the
# second, say), when it is summed pair by pair.
SPARSE = 8


@dataclass(frozen=True)
class Cells:
    """Where the histories' (x, t_x) and (x, T) fall among the distinct x and times.

    The cells are the grid of distinct x by distinct time (`pairs` None), or the distinct
    (x, time) pairs (`pairs`, their flat index in that grid) when the grid is sparse; `near`
    and `far` index each history's (x, t_x) and (x, T) among the cells.
    """

    xs: np.ndarray
    x_at: np.ndarray
    times: np.ndarray
    T_at: np.ndarray
    pairs: np.ndarray | None
    near: np.ndarray
    far: np.ndarray

    @classmethod
    def of(cls, x, t_x, T) -> "Cells":
        xs, x_at = np.unique(x, return_inverse=True)
        times, t_at = np.unique(np.concatenate([t_x, T]), return_inverse=True)
        flat = np.tile(x_at, 2) * times.size + t_at
        pairs, at = np.unique(flat, return_inverse=True)
        if xs.size * times.size <= SPARSE * pairs.size:
            pairs, at = None, flat
        return cls(xs, x_at, times, t_at[len(x) :], pairs, at[: len(x)], at[len(x) :])

    def x_and_t(self):
        """The x and time of each cell: a column and a row for the grid."""
        if self.pairs is None:
            return self.xs[:, None], self.times
        return self.xs[self.pairs // self.times.size], self.times[self.pairs % self.times.size]

    @property
    def series(self):
        """log 2F1 over the cells: the grid's by matrix products, or pair by pair."""
        return log_hyp2f1_a_a1_grid if self.pairs is None else log_hyp2f1_a_a1

    def weigh_tails(self, c, log_w, tail):
        """Per cell, the sum over histories of c e^log_w tail(t_x) less that of
        c e^log_w tail(T), from the cells' log tail."""
        flat = tail.ravel()
        near = np.bincount(self.near, c * np.exp(log_w + flat[self.near]), minlength=flat.size)
        return near - np.bincount(self.far, c * np.exp(log_w + flat[self.far]), minlength=flat.size)

    def log_a0(self, tail):
        """log A0 per history from the cells' log tail (see `log_tail`)."""
        near, far = tail.ravel()[self.near], tail.ravel()[self.far]
        with np.errstate(divide="ignore"):
            return near + np.log1p(-np.exp(np.minimum(far - near, 0.0)))


def log_tail(p, cells, *, gradient=False):
    """log [2F1(r+s+x, b; r+s+x+1; z) / (big + t)^(r+s+x)] for each cell's x and t, where big,
    small = max and min of (alpha, beta), z = (big - small) / (big + t), and b = s + 1 if
    alpha >= beta, else r + x; so that A0 = tail(t_x) - tail(T). With `gradient`, also its
    gradient in (r, alpha, s, beta), stacked first."""
    r, alpha, s, beta = p
    x, t = cells.x_and_t()
    big, small = max(alpha, beta), min(alpha, beta)
    a = r + s + x
    b = np.full_like(a, s + 1) if alpha >= beta else r + x
    z, log_big_t = (big - small) / (big + t), np.log(big + t)
    if not gradient:
        return cells.series(a, b, z) - a * log_big_t
    series, d_a, d_b, d_z = cells.series(a, b, z, derivatives=True)
    by_a = d_a - log_big_t
    by_big = d_z * ((small + t) / (big + t) ** 2) - a / (big + t)
    by_small = -d_z / (big + t)
    # b = s + 1 and big = alpha when alpha >= beta; else b = r + x and big = beta.
    by_p = (by_a, by_big, by_a + d_b, by_small) if alpha >= beta else (by_a + d_b, by_small, by_a, by_big)
    return series - a * log_big_t, np.stack(by_p)


def log_a0(p, x, t_x, T):
    """log A0: the integral over the dropout time between the last purchase and T."""
    cells = Cells.of(x, t_x, T)
    return cells.log_a0(log_tail(p, cells))


class ParetoNBD(PurchaseModel):
    names = ("r", "alpha", "s", "beta")
    start = (1.0, 1.0, 1.0, 1.0)

    @staticmethod
    def _terms(h):
        """Log-likelihood and its gradient over distinct histories, weighted by their counts.

        Per history, log L = first + log(e^alive + e^gone) with gone = log s - log(r+s+x) +
        log A0 and A0 = tail(t_x) - tail(T); so d log A0 = (tail(t_x) d log tail(t_x) -
        tail(T) d log tail(T)) / A0. The weights of the histories' terms are summed per cell,
        per x or per T before they meet the derivatives, and sums over histories are numpy's,
        not BLAS dot products: those start threads, which wait long for a busy core.
        """
        x, T = h.x, h.T
        c = h.count.astype(np.float64)
        n = c.sum()
        cells = Cells.of(x, h.t_x, T)
        xs, times = cells.xs, cells.times
        per_x = np.bincount(cells.x_at, weights=c)

        def parts(p, tail):
            r, alpha, s, beta = p
            alive = -(r + x) * np.log(alpha + times)[cells.T_at] - s * np.log(beta + times)[cells.T_at]
            before_a0 = (np.log(s) - np.log(r + s + xs))[cells.x_at]
            gone = before_a0 + cells.log_a0(tail)
            last = np.logaddexp(alive, gone)
            first = per_x @ gammaln(r + xs) + n * (r * np.log(alpha) + s * np.log(beta) - gammaln(r))
            return float(first + (c * last).sum()), alive, before_a0, gone, last

        def loglik(p):
            return parts(p, log_tail(p, cells))[0]

        def value_and_gradient(p):
            r, alpha, s, beta = p
            tail, tail_gradient = log_tail(p, cells, gradient=True)
            value, alive, before_a0, gone, last = parts(p, tail)
            w_alive = c * np.exp(alive - last)
            alive_T = np.bincount(cells.T_at, w_alive, minlength=times.size)
            alive_rx_T = np.bincount(cells.T_at, w_alive * (r + x), minlength=times.size)
            gone_x = np.bincount(cells.x_at, c * np.exp(gone - last), minlength=xs.size)
            w_tail = cells.weigh_tails(c, before_a0 - last, tail)
            by_rsx = gone_x @ (1 / (r + s + xs))
            gradient = (tail_gradient.reshape(4, -1) * w_tail).sum(axis=1) + [
                per_x @ digamma(r + xs)
                + n * (np.log(alpha) - digamma(r))
                - alive_T @ np.log(alpha + times)
                - by_rsx,
                n * r / alpha - alive_rx_T @ (1 / (alpha + times)),
                n * np.log(beta) - alive_T @ np.log(beta + times) + gone_x.sum() / s - by_rsx,
                n * s / beta - s * (alive_T @ (1 / (beta + times))),
            ]
            return value, gradient

        return SimpleNamespace(
            loglik=loglik,
            gradient=lambda p: value_and_gradient(p)[1],
            value_and_gradient=value_and_gradient,
            customers=h.customers,
        )

    @staticmethod
    def _p_alive(p, h):
        r, alpha, s, beta = p
        x, t_x, T = h.x, h.t_x, h.T
        log_odds = (
            np.log(s)
            - np.log(r + s + x)
            + (r + x) * np.log(alpha + T)
            + s * np.log(beta + T)
            + log_a0(p, x, t_x, T)
        )
        return expit(-log_odds)

    @staticmethod
    def _expected_alive(p, t, x, T):
        """E[X(t) | alive, x, T]; times P(alive), E[X(t) | x, t_x, T]."""
        r, alpha, s, beta = p
        t = np.asarray(t, dtype=np.float64)
        return (r + x) * (beta + T) / (alpha + T) * _decay(s - 1, np.log1p(t / (beta + T)))

    @staticmethod
    def _population(p, t):
        r, alpha, s, beta = p
        return r * beta / alpha * _decay(s - 1, np.log1p(t / beta))


def _decay(k, log_ratio):
    """(1 - e^(-k log_ratio)) / k, which tends to log_ratio as k tends to 0."""
    if abs(k) < 1e-12:
        return log_ratio
    return -np.expm1(-k * log_ratio) / k
