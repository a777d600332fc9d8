"""BG/NBD: Fader, Hardie & Lee (2005), "Counting your customers the easy way".

While active, a customer buys at Poisson rate lambda ~ Gamma(r, alpha); after each purchase
they drop out with probability p ~ Beta(a, b).
"""

from types import SimpleNamespace

import numpy as np
from scipy.special import digamma, expit, gammaln, hyp2f1, polygamma

from patron.analytics.purchases import PurchaseModel

BLOCK = 1 << 13  # histories per block: their rows of features stay in the processor's cache


class BetaGeo(PurchaseModel):
    names = ("r", "alpha", "a", "b")
    start = (1.0, 1.0, 1.0, 1.0)
    alive_per_customer = True
    starts_from_sample = True

    @staticmethod
    def _terms(h):
        """Log-likelihood with its gradient and Hessian over distinct histories, weighted by
        their counts (see `_Likelihood`)."""
        likelihood = _Likelihood(h)
        return SimpleNamespace(
            loglik=lambda p: likelihood(p).value,
            gradient=lambda p: likelihood(p).gradient,
            value_and_gradient=lambda p: (likelihood(p).value, likelihood(p).gradient),
            hessian=lambda p: likelihood(p).hessian,
            customers=likelihood.n,
        )

    @staticmethod
    def _p_alive(p, h):
        r, alpha, a, b = p
        x, t_x, T = h.x, h.t_x, h.T
        with np.errstate(divide="ignore", invalid="ignore"):
            log_odds = np.log(a) - np.log(b + x - 1) + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
        return np.where(x > 0, expit(-log_odds), 1.0)

    @staticmethod
    def _expected_alive(p, t, x, T):
        """E[X(t) | alive, x, T]; times P(alive), E[X(t) | x, t_x, T]."""
        r, alpha, a, b = p
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
        return head * (1 - product)

    @staticmethod
    def _population(p, t):
        r, alpha, a, b = p
        z = t / (alpha + t)
        return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, z))


class _Likelihood:
    """The log-likelihood of distinct histories, weighted by their counts, with its gradient
    and Hessian: all three from one pass over the histories, kept for the last parameters
    (the optimiser asks for them at the same point).

    A history's log-likelihood is log(e^a3 + e^a4): a3 = -(r+x) log(alpha+T) for being alive
    at T, a4 = log a - log(b+x-1) - (r+x) log(alpha+t_x) for having dropped out after the last
    purchase (none where x = 0). It is computed as a3 + log(1 + e^d), d = a4 - a3, with
    w4 = e^d / (1 + e^d) the weight of a4 in the derivatives. Terms in x alone (the gamma
    functions) are computed once per distinct x.

    The pass goes block by block through buffers small enough to stay in the processor's
    cache: with daily data the distinct histories are most of the customers, and arrays their
    size would be written and read back a dozen times a pass. A block's sums are one matrix
    product of its weights (c, c w4 and c w3 w4, c the counts) by its rows of features.
    """

    # Rows of features: I3 = 1/(alpha+T), L3 = log(alpha+T), k = r+x, D0 = log(alpha+t_x) - L3,
    # DI = 1/(alpha+t_x) - I3, D1 = k DI, B = 1/(b+x-1) (0 where x = 0).
    ONE, L3, KL3, SOFTPLUS, KI3, I3, KI3_2, D0, D1, B, DI, KDI2, B2 = range(13)

    def __init__(self, h):
        self.x, self.t_x, self.T = h.x, h.t_x, h.T
        self.c = np.asarray(h.count, dtype=np.float64)
        self.n = float(self.c.sum())
        self.xs, self.at = np.unique(h.x, return_inverse=True)
        self.per_x = np.bincount(self.at, weights=self.c)
        size = min(BLOCK, len(self.x))
        self.features, self.weights, self.work = (
            np.empty((13, size)),
            np.empty((3, size)),
            np.empty((5, size)),
        )
        self.features[self.ONE] = 1.0
        self.p = None

    def __call__(self, p):
        if self.p != tuple(p):
            self._evaluate(*p)
            self.p = tuple(p)
        return self

    def _evaluate(self, r, alpha, a, b):
        xs, per_x, n = self.xs, self.per_x, self.n
        repeat = xs > 0
        inv_bx = np.zeros(xs.size)
        inv_bx[repeat] = 1.0 / (b + xs[repeat] - 1)
        log_a_bx = np.full(xs.size, -np.inf)
        log_a_bx[repeat] = np.log(a) + np.log(inv_bx[repeat])
        sums, mixture = np.zeros((3, 13)), np.zeros((3, 3))
        for start in range(0, len(self.x), BLOCK):
            block_sums, block_mixture = self._block(
                start, min(start + BLOCK, len(self.x)), r, alpha, inv_bx, log_a_bx
            )
            sums += block_sums
            mixture += block_mixture
        on_c, on_w4, on_w34 = sums
        in_x = gammaln(r + xs) + gammaln(b + xs) - gammaln(a + b + xs)
        constant = -gammaln(r) + r * np.log(alpha) + gammaln(a + b) - gammaln(b)
        self.value = float(per_x @ in_x + n * constant - on_c[self.KL3] + on_c[self.SOFTPLUS])
        self.gradient = np.array(
            [
                per_x @ digamma(r + xs) + n * (np.log(alpha) - digamma(r)) - on_c[self.L3] - on_w4[self.D0],
                n * r / alpha - on_c[self.KI3] - on_w4[self.D1],
                n * digamma(a + b) - per_x @ digamma(a + b + xs) + on_w4[self.ONE] / a,
                n * (digamma(a + b) - digamma(b))
                + per_x @ (digamma(b + xs) - digamma(a + b + xs))
                - on_w4[self.B],
            ]
        )
        h = np.zeros((4, 4))
        h[0, 0] = per_x @ polygamma(1, r + xs) - n * polygamma(1, r)
        h[0, 1] = n / alpha - on_c[self.I3] - on_w4[self.DI]
        h[1, 1] = -n * r / alpha**2 + on_c[self.KI3_2] + on_w4[self.KDI2]
        h[2, 2] = h[2, 3] = n * polygamma(1, a + b) - per_x @ polygamma(1, a + b + xs)
        h[2, 2] -= on_w4[self.ONE] / a**2
        h[3, 3] = (
            n * (polygamma(1, a + b) - polygamma(1, b))
            + per_x @ (polygamma(1, b + xs) - polygamma(1, a + b + xs))
            + on_w4[self.B2]
        )
        # The mixture's part: the sum of c w3 w4 d d', d = (D0, D1, -1/a, B) the difference of
        # the gradients of a4 and a3 (d[2] is -1/a for every history: w4 is 0 where x = 0).
        spread = np.insert(np.insert(mixture, 2, 0.0, axis=0), 2, 0.0, axis=1)
        spread[2] = spread[:, 2] = -np.array([on_w34[self.D0], on_w34[self.D1], 0.0, on_w34[self.B]]) / a
        spread[2, 2] = on_w34[self.ONE] / a**2
        self.hessian = np.triu(h) + np.triu(h, 1).T + spread

    def _block(self, start, end, r, alpha, inv_bx, log_a_bx):
        """The sums of the features of histories start to end under each weight, and the sums
        of c w3 w4 times D0, D1 and B two by two."""
        m = end - start
        f, (c, cw4, cw34), (k, u, v, e, d) = self.features[:, :m], self.weights[:, :m], self.work[:, :m]
        np.copyto(c, self.c[start:end])
        np.add(self.x[start:end], r, out=k)
        np.add(self.T[start:end], alpha, out=u)
        np.divide(1.0, u, out=f[self.I3])
        np.log(u, out=f[self.L3])
        np.add(self.t_x[start:end], alpha, out=u)
        np.divide(1.0, u, out=v)  # I4 = 1 / (alpha + t_x)
        np.log(u, out=u)
        np.subtract(u, f[self.L3], out=f[self.D0])
        np.multiply(k, f[self.L3], out=f[self.KL3])
        np.multiply(k, f[self.I3], out=f[self.KI3])
        np.multiply(f[self.KI3], f[self.I3], out=f[self.KI3_2])
        np.subtract(v, f[self.I3], out=f[self.DI])
        np.multiply(k, f[self.DI], out=f[self.D1])
        np.add(v, f[self.I3], out=u)
        np.multiply(f[self.D1], u, out=f[self.KDI2])  # k (I4^2 - I3^2) = D1 (I4 + I3)
        np.take(inv_bx, self.at[start:end], out=f[self.B])
        np.multiply(f[self.B], f[self.B], out=f[self.B2])
        np.take(log_a_bx, self.at[start:end], out=d)
        np.multiply(k, f[self.D0], out=u)
        np.subtract(d, u, out=d)  # d = log a + log B - k D0 (-inf where x = 0)
        np.abs(d, out=e)
        np.negative(e, out=e)
        np.exp(e, out=e)  # e^-|d|
        np.log1p(e, out=f[self.SOFTPLUS])
        np.maximum(d, 0.0, out=u)
        np.add(f[self.SOFTPLUS], u, out=f[self.SOFTPLUS])  # log(1 + e^d)
        np.add(e, 1.0, out=v)
        np.divide(1.0, v, out=v)
        np.multiply(e, v, out=cw34)
        np.multiply(cw34, v, out=cw34)  # w3 w4 = e^-|d| / (1 + e^-|d|)^2
        np.multiply(cw34, c, out=cw34)
        np.copyto(cw4, e)
        np.copyto(cw4, 1.0, where=d > 0)
        np.multiply(cw4, v, out=cw4)  # w4
        np.multiply(cw4, c, out=cw4)
        spread = f[self.D0 : self.B + 1]
        return self.weights[:, :m] @ f.T, (spread * cw34) @ spread.T
