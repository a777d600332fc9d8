"""BG/NBD: Fader, Hardie & Lee (2005), "Counting your customers the easy way".

While active, a customer buys at Poisson rate lambda ~ Gamma(r, alpha); after each purchase
they drop out with probability p ~ Beta(a, b).
"""

from types import SimpleNamespace

import numpy as np
from scipy.special import digamma, expit, gammaln, hyp2f1

from patron.analytics.purchases import PurchaseModel


class BetaGeo(PurchaseModel):
    names = ("r", "alpha", "a", "b")
    start = (1.0, 1.0, 1.0, 1.0)

    @staticmethod
    def _terms(h):
        """Log-likelihood and gradient over distinct histories, weighted by their counts. Terms
        in x alone (the gamma functions) are computed once per distinct x and weighted by its
        customers: a few dozen values instead of one per history."""
        x, t_x, T, c = h.x, h.t_x, h.T, h.count
        repeat = x > 0
        n = c.sum()
        xs, at = np.unique(x, return_inverse=True)
        per_x = np.bincount(at, weights=c)

        def parts(p):
            r, alpha, a, b = p
            log_at = np.log(alpha + T)
            log_ar = np.log(alpha + t_x)
            a3 = -(r + x) * log_at
            with np.errstate(divide="ignore", invalid="ignore"):
                a4 = np.where(repeat, np.log(a) - np.log(b + xs - 1)[at] - (r + x) * log_ar, -np.inf)
            last = np.logaddexp(a3, a4)
            return r, alpha, a, b, log_at, log_ar, a3, a4, last

        def loglik(p):
            r, alpha, a, b, *_, last = parts(p)
            in_x = gammaln(r + xs) + gammaln(b + xs) - gammaln(a + b + xs)
            constant = -gammaln(r) + r * np.log(alpha) + gammaln(a + b) - gammaln(b)
            return float(per_x @ in_x + n * constant + c @ last)

        def gradient(p):
            r, alpha, a, b, log_at, log_ar, a3, a4, last = parts(p)
            w3 = np.exp(a3 - last)
            w4 = np.where(repeat, np.exp(a4 - last), 0.0)
            with np.errstate(divide="ignore", invalid="ignore"):
                inv_bx = np.where(repeat, (1.0 / (b + xs - 1))[at], 0.0)
            cw3, cw4 = c * w3, c * w4
            d_r = per_x @ digamma(r + xs) + n * (np.log(alpha) - digamma(r)) - cw3 @ log_at - cw4 @ log_ar
            d_alpha = n * r / alpha - cw3 @ ((r + x) / (alpha + T)) - cw4 @ ((r + x) / (alpha + t_x))
            d_a = n * digamma(a + b) - per_x @ digamma(a + b + xs) + cw4.sum() / a
            d_b = (
                n * (digamma(a + b) - digamma(b))
                + per_x @ (digamma(b + xs) - digamma(a + b + xs))
                - cw4 @ inv_bx
            )
            return np.array([d_r, d_alpha, d_a, d_b])

        return SimpleNamespace(loglik=loglik, gradient=gradient, customers=n)

    @staticmethod
    def _p_alive(p, h):
        r, alpha, a, b = p
        x, t_x, T = h.x, h.t_x, h.T
        with np.errstate(divide="ignore", invalid="ignore"):
            log_odds = np.log(a) - np.log(b + x - 1) + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
        return np.where(x > 0, expit(-log_odds), 1.0)

    @classmethod
    def _expected(cls, p, t, h):
        r, alpha, a, b = p
        x, T = h.x, h.T
        t = np.asarray(t, dtype=np.float64)
        z = t / (alpha + T + t)
        head = (a + b + x - 1) / (a - 1)
        # ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z) by Euler's transformation, which
        # keeps heavy buyers finite where the power underflows and the series overflows; the
        # direct form where the transformed one is not finite (some a, b far from the data's).
        with np.errstate(all="ignore"):
            product = np.exp((a - 1) * np.log1p(-z)) * hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z)
            off = ~np.isfinite(product)
            if off.any():
                xo, zo = x[off], z[off]
                power = np.exp((r + xo) * (np.log(alpha + T[off]) - np.log(alpha + T[off] + t)))
                product[off] = power * hyp2f1(r + xo, b + xo, a + b + xo - 1, zo)
        tail = 1 - product
        alive = cls._p_alive(p, h)
        # E[X(t) | x, t_x, T] = head * tail / (1 + [x > 0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x))
        return head * tail * alive

    @staticmethod
    def _population(p, t):
        r, alpha, a, b = p
        z = t / (alpha + t)
        return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, z))
