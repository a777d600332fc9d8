"""Pareto/NBD: Schmittlein, Morrison & Colombo (1987), "Counting your customers".

While active, a customer buys at Poisson rate lambda ~ Gamma(r, alpha) and drops out at an
exponentially distributed time with rate mu ~ Gamma(s, beta). The likelihood follows Fader &
Hardie's note "Deriving an expression for P(X(t) = x) under the Pareto/NBD model" (2005),
with A0 in log space (see `series`).
"""

from types import SimpleNamespace

import numpy as np
from scipy.special import expit, gammaln

from patron.analytics.purchases import PurchaseModel
from patron.analytics.series import log_hyp2f1_a_a1


def log_a0(p, x, t_x, T):
    """log A0: the integral over the dropout time between the last purchase and T."""
    r, alpha, s, beta = p
    big, small = (alpha, beta) if alpha >= beta else (beta, alpha)
    second = s + 1 if alpha >= beta else r + x
    rsx = r + s + x
    diff = big - small
    log_near = log_hyp2f1_a_a1(rsx, second, diff / (big + t_x)) - rsx * np.log(big + t_x)
    log_far = log_hyp2f1_a_a1(rsx, second, diff / (big + T)) - rsx * np.log(big + T)
    with np.errstate(divide="ignore"):
        return log_near + np.log1p(-np.exp(np.minimum(log_far - log_near, 0.0)))


class ParetoNBD(PurchaseModel):
    names = ("r", "alpha", "s", "beta")
    start = (1.0, 1.0, 1.0, 1.0)

    @staticmethod
    def _terms(h):
        x, t_x, T, c = h.x, h.t_x, h.T, h.count

        def loglik(p):
            r, alpha, s, beta = p
            first = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
            alive_to_end = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
            gone = np.log(s) - np.log(r + s + x) + log_a0(p, x, t_x, T)
            return float(c @ (first + np.logaddexp(alive_to_end, gone)))

        return SimpleNamespace(loglik=loglik, gradient=None, customers=c.sum())

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

    @classmethod
    def _expected(cls, p, t, h):
        r, alpha, s, beta = p
        x, T = h.x, h.T
        t = np.asarray(t, dtype=np.float64)
        return (
            (r + x) * (beta + T) / (alpha + T) * _decay(s - 1, np.log1p(t / (beta + T))) * cls._p_alive(p, h)
        )

    @staticmethod
    def _population(p, t):
        r, alpha, s, beta = p
        return r * beta / alpha * _decay(s - 1, np.log1p(t / beta))


def _decay(k, log_ratio):
    """(1 - e^(-k log_ratio)) / k, which tends to log_ratio as k tends to 0."""
    if abs(k) < 1e-12:
        return log_ratio
    return -np.expm1(-k * log_ratio) / k
