"""Gamma-Gamma spend: Fader, Hardie & Lee (2005), "RFM and CLV: using iso-value curves".

A customer's spends are Gamma(p, nu) around their mean, with nu ~ Gamma(q, gamma) across
customers. Fitted on repeat buyers (x > 0) and their mean repeat spend. The model assumes a
customer's spend does not depend on how often they buy; fitting warns when the data says
otherwise.
"""

import warnings
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import numpy as np
from scipy.special import digamma, gammaln, polygamma

from patron.analytics.fitting import SAMPLE, Model, NotIdentified
from patron.analytics.frames import BadInput

CORRELATION_WARNING = 0.3
_HALVES = ThreadPoolExecutor(2, thread_name_prefix="gamma-gamma")


class SpendCorrelationWarning(UserWarning):
    """Frequency and mean spend are correlated, which Gamma-Gamma assumes they are not."""


def spend_arrays(data=None, x=None, mean_spend=None):
    if data is not None:
        try:
            return np.asarray(data["x"], dtype=np.float64), np.asarray(data["mean_spend"], dtype=np.float64)
        except KeyError:
            raise BadInput("A summary needs the columns x and mean_spend (see summarise).") from None
    if x is None or mean_spend is None:
        raise BadInput("Give a summary frame, or x and mean_spend.")
    x, m = (
        np.atleast_1d(np.asarray(x, dtype=np.float64)),
        np.atleast_1d(np.asarray(mean_spend, dtype=np.float64)),
    )
    if x.shape != m.shape:
        raise BadInput("x and mean_spend must have the same length.")
    return x, m


class GammaGamma(Model):
    names = ("p", "q", "gamma")
    start = (1.0, 1.0, 1.0)
    correlation_ = None

    def fit(self, data=None, *, x=None, mean_spend=None, start=None):
        x, m = spend_arrays(data, x, mean_spend)
        if np.isnan(x.min()) or np.isnan(m.min()):  # min is nan when any is
            raise BadInput("Some frequencies or mean spends are missing.")
        repeat = x > 0
        if not repeat.any():
            raise NotIdentified("No customer has bought twice: the spend model needs repeat buyers.")
        x, m = x[repeat], m[repeat]
        if (x != np.floor(x)).any():
            raise BadInput(f"{int((x != np.floor(x)).sum()):,} frequencies x are not whole numbers.")
        least, most = m.min(), m.max()
        if least < 0:
            raise BadInput(f"{int((m < 0).sum()):,} repeat buyers have a negative mean spend.")
        if most == 0:
            raise NotIdentified("Every repeat purchase has zero spend: there is no spend to model.")
        if least == 0:
            raise BadInput(f"{int((m == 0).sum()):,} repeat buyers have a zero mean spend; leave them out.")
        if least == most:
            raise NotIdentified("Every repeat buyer spends the same: the spend model needs varied spend.")
        self.correlation_ = _correlation(x, m)
        if abs(self.correlation_) >= CORRELATION_WARNING:
            warnings.warn(
                f"Frequency and mean spend are correlated (r = {self.correlation_:.2f}); the Gamma-Gamma "
                "model assumes they are not, so its spend predictions may be biased.",
                SpendCorrelationWarning,
                stacklevel=2,
            )
        return self._maximise(_terms(x, m), start, len(x), lambda: _terms(x[::SAMPLE], m[::SAMPLE]))

    def expected_spend(self, data=None, *, x=None, mean_spend=None) -> np.ndarray:
        """Expected mean spend per future purchase of each customer (the population mean for x = 0)."""
        p, q, gamma = self._params()
        x, m = spend_arrays(data, x, mean_spend)
        return (gamma + x * m) * p / (p * x + q - 1)


def _correlation(x, m) -> float:
    """Pearson's r of frequency and mean spend (0 when every x is the same), from sums of
    products, with no array the size of the data made for it (to within rounding, which a
    warning threshold does not feel)."""
    n, mean_x, mean_m = len(x), x.mean(), m.mean()
    spread = (x @ x - n * mean_x**2) * (m @ m - n * mean_m**2)
    return float((x @ m - n * mean_x * mean_m) / np.sqrt(spread)) if spread > 0 else 0.0


def _terms(x, m):
    """Log-likelihood, gradient and Hessian. Terms in x alone are summed per distinct x, and
    the per-customer sums of x log m and log m are taken once; what depends on each customer
    and gamma comes from `_GammaSums`."""
    counts = np.bincount(x.astype(np.int64))
    xs = np.flatnonzero(counts).astype(np.float64)
    counts = counts[counts > 0]
    log_m = np.log(m)
    constant = x @ log_m + counts @ (xs * np.log(xs))
    sum_log_m = log_m.sum()
    n = len(x)
    sums = _GammaSums(x, x * m, log_m)  # log m's array is reused

    def in_x(p, q, gamma):
        return (
            counts @ (gammaln(p * xs + q) - gammaln(p * xs))
            - n * gammaln(q)
            + n * q * np.log(gamma)
            + p * constant
            - sum_log_m
        )

    def loglik(params):
        p, q, gamma = params
        x_log_u, sum_log_u, *_ = sums(gamma)
        return float(in_x(p, q, gamma) - p * x_log_u - q * sum_log_u)

    def value_and_gradient(params):
        p, q, gamma = params
        x_log_u, sum_log_u, x_inv, sum_inv, *_ = sums(gamma)
        psi = digamma(p * xs + q)
        value = in_x(p, q, gamma) - p * x_log_u - q * sum_log_u
        d_p = counts @ (xs * (psi - digamma(p * xs))) + constant - x_log_u
        d_q = counts @ psi - n * digamma(q) + n * np.log(gamma) - sum_log_u
        d_gamma = n * q / gamma - p * x_inv - q * sum_inv
        return float(value), np.array([d_p, d_q, d_gamma])

    def hessian(params):
        p, q, gamma = params
        _, _, x_inv, sum_inv, x_inv2, sum_inv2 = sums(gamma)
        tri = polygamma(1, p * xs + q)
        d_pp = counts @ (xs * xs * (tri - polygamma(1, p * xs)))
        d_pq = counts @ (xs * tri)
        d_qq = counts @ tri - n * polygamma(1, q)
        d_pg = -x_inv
        d_qg = n / gamma - sum_inv
        d_gg = -n * q / gamma**2 + p * x_inv2 + q * sum_inv2
        return np.array([[d_pp, d_pq, d_pg], [d_pq, d_qq, d_qg], [d_pg, d_qg, d_gg]])

    return SimpleNamespace(
        loglik=loglik,
        gradient=lambda params: value_and_gradient(params)[1],
        value_and_gradient=value_and_gradient,
        hessian=hessian,
    )


class _GammaSums:
    """Over the repeat buyers, with u = x m + gamma: the sums of x log u, log u, x / u, 1 / u,
    x / u^2 and 1 / u^2, all in one pass for a gamma, kept for the last gamma (the Hessian is
    asked where the gradient was). The pass runs on the two halves of the buyers at once
    (numpy lets go of the GIL), its products summed by einsum rather than BLAS, whose own
    threads would wait for the busy cores; into arrays made once (fresh arrays of a million
    values cost more in page faults than the arithmetic)."""

    def __init__(self, x, z, buffer):
        self.x, self.z, self.log_u = x, z, buffer
        self.u, self.inverse = np.empty(len(x)), np.empty(len(x))
        self.halves = (slice(0, len(x) // 2), slice(len(x) // 2, len(x)))
        self.gamma = self.values = None

    def __call__(self, gamma):
        if gamma != self.gamma:
            self.values = np.sum(list(_HALVES.map(lambda h: self._half(h, gamma), self.halves)), axis=0)
            self.gamma = gamma
        return self.values

    def _half(self, h, gamma):
        x, u, log_u, inverse = self.x[h], self.u[h], self.log_u[h], self.inverse[h]
        np.add(self.z[h], gamma, out=u)
        np.log(u, out=log_u)
        np.divide(1.0, u, out=inverse)
        np.multiply(inverse, inverse, out=u)
        return (
            np.einsum("i,i->", x, log_u),
            log_u.sum(),
            np.einsum("i,i->", x, inverse),
            inverse.sum(),
            np.einsum("i,i->", x, u),
            u.sum(),
        )
