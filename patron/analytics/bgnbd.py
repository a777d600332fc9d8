"""BG/NBD: Fader, Hardie & Lee (2005), "Counting your customers the easy way".

While active, a customer buys at Poisson rate lambda ~ Gamma(r, alpha); after each purchase
they drop out with probability p ~ Beta(a, b).
"""

from types import SimpleNamespace

import numpy as np
from scipy.special import digamma, expit, gammaln, hyp2f1, polygamma

from patron.analytics.purchases import PurchaseModel


class BetaGeo(PurchaseModel):
    names = ("r", "alpha", "a", "b")
    start = (1.0, 1.0, 1.0, 1.0)

    @staticmethod
    def _terms(h):
        """Log-likelihood with its gradient and Hessian over distinct histories, weighted by
        their counts. Terms in x alone (the gamma functions) are computed once per distinct x
        and weighted by its customers: a few dozen values instead of one per history."""
        x, t_x, T, c = h.x, h.t_x, h.T, h.count
        repeat = x > 0
        n = float(c.sum())
        xs, at = np.unique(x, return_inverse=True)
        per_x = np.bincount(at, weights=c)
        last = SimpleNamespace(p=None)

        def parts(p):
            """Each history's two ways to have its data: a3 (alive at T) and a4 (dropped out
            after the last purchase), with their weights and first derivatives; kept for the
            last parameters, which the log-likelihood, gradient and Hessian share."""
            if last.p != tuple(p):
                r, alpha, a, b = p
                with np.errstate(divide="ignore", invalid="ignore"):
                    inv_bx = np.where(repeat, (1.0 / (b + xs - 1))[at], 0.0)
                    log_at, log_ar = np.log(alpha + T), np.log(alpha + t_x)
                    a3 = -(r + x) * log_at
                    a4 = np.where(repeat, np.log(a) + np.log(inv_bx) - (r + x) * log_ar, -np.inf)
                both = np.logaddexp(a3, a4)
                last.__dict__.update(
                    p=tuple(p),
                    both=both,
                    w3=np.exp(a3 - both),
                    w4=np.where(repeat, np.exp(a4 - both), 0.0),
                    log_at=log_at,
                    log_ar=log_ar,
                    inv_at=1.0 / (alpha + T),
                    inv_ar=1.0 / (alpha + t_x),
                    inv_bx=inv_bx,
                )
            return last

        def loglik(p):
            r, alpha, a, b = p
            in_x = gammaln(r + xs) + gammaln(b + xs) - gammaln(a + b + xs)
            constant = -gammaln(r) + r * np.log(alpha) + gammaln(a + b) - gammaln(b)
            return float(per_x @ in_x + n * constant + c @ parts(p).both)

        def gradient(p):
            r, alpha, a, b = p
            s = parts(p)
            cw3, cw4 = c * s.w3, c * s.w4
            d_r = per_x @ digamma(r + xs) + n * (np.log(alpha) - digamma(r)) - cw3 @ s.log_at - cw4 @ s.log_ar
            d_alpha = n * r / alpha - cw3 @ ((r + x) * s.inv_at) - cw4 @ ((r + x) * s.inv_ar)
            d_a = n * digamma(a + b) - per_x @ digamma(a + b + xs) + cw4.sum() / a
            d_b = (
                n * (digamma(a + b) - digamma(b))
                + per_x @ (digamma(b + xs) - digamma(a + b + xs))
                - cw4 @ s.inv_bx
            )
            return np.array([d_r, d_alpha, d_a, d_b])

        def hessian(p):
            """Each history's log-likelihood is log(e^a3 + e^a4), whose Hessian is
            w3 H(a3) + w4 H(a4) + w3 w4 d d' with d the difference of the gradients of a3, a4."""
            r, alpha, a, b = p
            s = parts(p)
            cw3, cw4 = c * s.w3, c * s.w4
            d = np.stack(
                [
                    s.log_ar - s.log_at,
                    (r + x) * (s.inv_ar - s.inv_at),
                    np.where(repeat, -1.0 / a, 0.0),
                    s.inv_bx,
                ]
            )
            mixture = (d * (cw3 * s.w4)) @ d.T
            h = np.zeros((4, 4))
            h[0, 0] = per_x @ polygamma(1, r + xs) - n * polygamma(1, r)
            h[0, 1] = n / alpha - cw3 @ s.inv_at - cw4 @ s.inv_ar
            h[1, 1] = -n * r / alpha**2 + cw3 @ ((r + x) * s.inv_at**2) + cw4 @ ((r + x) * s.inv_ar**2)
            h[2, 2] = h[2, 3] = n * polygamma(1, a + b) - per_x @ polygamma(1, a + b + xs)
            h[2, 2] -= cw4.sum() / a**2
            h[3, 3] = (
                n * (polygamma(1, a + b) - polygamma(1, b))
                + per_x @ (polygamma(1, b + xs) - polygamma(1, a + b + xs))
                + cw4 @ s.inv_bx**2
            )
            h = np.triu(h) + np.triu(h, 1).T
            return h + mixture

        return SimpleNamespace(loglik=loglik, gradient=gradient, hessian=hessian, customers=n)

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
