"""Gamma-Gamma spend: Fader, Hardie & Lee (2005), "RFM and CLV: using iso-value curves".

A customer's spends are Gamma(p, nu) around their mean, with nu ~ Gamma(q, gamma) across
customers. Fitted on repeat buyers (x > 0) and their mean repeat spend. The model assumes a
customer's spend does not depend on how often they buy; fitting warns when the data says
otherwise. Repeat buyers whose mean spend is 0 (free orders, orders paid in full by a coupon)
are left out of the fit, since a Gamma spend is never 0, and counted in `excluded_`: what
`lifetimes`' documentation does (it fits on frequency > 0 and monetary value > 0).

The sums over customers are taken block by block through buffers small enough to stay in the
processor's cache, from the arrays as given: no array the size of the data is made. A million
customers' arrays would be written and read back several times a pass, and fresh ones cost more
in page faults than the arithmetic. Customers with no repeat purchase (x = 0) stay in the
blocks: they add nothing to the sums weighted by x, and their known share of the others is
taken off at the end.
"""

import warnings
from types import SimpleNamespace

import numpy as np
from scipy.special import digamma, gammaln, polygamma

from patron.analytics.fitting import Model, NotIdentified
from patron.analytics.frames import BadInput

CORRELATION_WARNING = 0.3
NO_REPEAT_BUYERS = "No customer has bought twice: the spend model needs repeat buyers."
BLOCK = 1 << 14  # customers per block: buffers of 128 KiB
COUNTED = 1 << 20  # frequencies below this are counted by bincount, larger ones by np.unique


class SpendCorrelationWarning(UserWarning):
    """Frequency and mean spend are correlated, which Gamma-Gamma assumes they are not."""


class ZeroSpendWarning(UserWarning):
    """Some repeat buyers' mean spend is 0: they were left out of the fit (see `excluded_`)."""


def spend_arrays(data=None, x=None, mean_spend=None):
    """x and mean spend as numpy arrays; x keeps an integer type where it has one (no copy)."""
    if data is not None:
        try:
            x, mean_spend = data["x"], data["mean_spend"]
        except KeyError:
            raise BadInput("A summary needs the columns x and mean_spend (see summarise).") from None
    elif x is None or mean_spend is None:
        raise BadInput("Give a summary frame, or x and mean_spend.")
    x, m = _numbers(x), _numbers(mean_spend).astype(np.float64, copy=False)
    if x.shape != m.shape:
        raise BadInput("x and mean_spend must have the same length.")
    return x, m


def _numbers(values) -> np.ndarray:
    """Numbers as an array, with no copy where they are one already (or a Polars column in one chunk)."""
    array = np.atleast_1d(np.asarray(values.to_numpy() if hasattr(values, "to_numpy") else values))
    if array.dtype.kind in "iuf":
        return array
    try:  # objects: missing values of pandas' nullable types become nan
        return np.atleast_1d(np.asarray(values, dtype=np.float64))
    except (TypeError, ValueError):
        raise BadInput("Frequencies x and mean spends must be numbers.") from None


class GammaGamma(Model):
    """After `fit`, besides the fitted values every model has: `customers_`, the repeat buyers
    fitted on; `excluded_`, the repeat buyers left out because their mean spend is 0; and
    `correlation_`, Pearson's r of frequency and mean spend over those fitted on."""

    names = ("p", "q", "gamma")
    start = (1.0, 1.0, 1.0)
    correlation_ = excluded_ = None

    def fit(self, data=None, *, x=None, mean_spend=None, start=None):
        spends = _Spends(*spend_arrays(data, x, mean_spend))
        self.correlation_, self.excluded_ = spends.correlation(), spends.excluded
        if self.excluded_:
            warnings.warn(
                f"Repeat buyers with a mean spend of 0 (free orders), left out of the Gamma-Gamma fit: "
                f"{self.excluded_:,}. Their expected spend is the model's for a mean spend of 0.",
                ZeroSpendWarning,
                stacklevel=2,
            )
        if abs(self.correlation_) >= CORRELATION_WARNING:
            warnings.warn(
                f"Frequency and mean spend are correlated (r = {self.correlation_:.2f}); the Gamma-Gamma "
                "model assumes they are not, so its spend predictions may be biased.",
                SpendCorrelationWarning,
                stacklevel=2,
            )
        # gamma is a spend: its unit is the mean spend, whatever the currency (fitting.maximise).
        units = (1.0, 1.0, spends.mean_spend())
        return self._maximise(
            _terms_of(spends), start, spends.n, lambda k: _terms_of(spends.every(k)), units=units
        )

    def expected_spend(self, data=None, *, x=None, mean_spend=None) -> np.ndarray:
        """Expected mean spend per future purchase of each customer, E(M | p, q, gamma, m_x, x)
        of Fader, Hardie & Lee (2005): (gamma + x m) p / (p x + q - 1). It is defined for every
        customer, with no case apart:

        - x = 0 (no repeat purchase): the population mean, gamma p / (q - 1);
        - x > 0 and mean spend 0 (free orders, left out of the fit): gamma p / (p x + q - 1),
          below the population mean and the lower the more free purchases. A customer's spends
          tell about their nu only through x and their sum (nu's posterior is
          Gamma(q + p x, gamma + x m)), so this is the limit of the expectation as their mean
          spend falls to 0: the same formula, continuous in m, and what `lifetimes`'
          conditional_expected_average_profit gives them. Not 0, which would claim they will
          never pay, nor the population mean, which would ignore what they did.
        """
        p, q, gamma = self._params()
        x, m = spend_arrays(data, x, mean_spend)
        return (gamma + x * m) * p / (p * x + q - 1)


class _Spends:
    """Frequencies x (whole numbers) and mean spends m, checked; how many customers have each
    x; and, over the repeat buyers (x > 0), the sums of x, m, x^2, m^2, x m, x log m and log m."""

    def __init__(self, x, m, buffer=None):
        if not x.size:
            raise NotIdentified(NO_REPEAT_BUYERS)
        x_least, m_least, m_most = x.min(), m.min(), m.max()  # nan when any is
        if np.isnan(x_least) or np.isnan(m_least):
            raise BadInput("Some frequencies or mean spends are missing.")
        if not np.isfinite(m_least) or not np.isfinite(m_most):
            raise BadInput("Some mean spends are infinite.")
        if x_least < 0:
            raise BadInput(f"{np.count_nonzero(x < 0):,} frequencies x are negative.")
        if x.dtype.kind != "i":
            whole = x.astype(np.int64)
            if (fractions := np.count_nonzero(whole != x)) > 0:
                raise BadInput(f"{fractions:,} frequencies x are not whole numbers.")
            x = whole
        self.m, self.excluded = m, 0
        if buffer is None:
            buffer = np.empty((5, min(BLOCK, len(x))))
            buffer[4] = 1.0
        self.buffer = buffer
        largest = max(m_most, 1.0)
        least, most = self._count(x, largest)
        if least == 0 and most > 0:
            # A mean spend of 0 (free orders, orders paid by coupons) has no Gamma density: such
            # repeat buyers are left out, as lifetimes' documentation leaves them out, and counted.
            free = (x > 0) & (m == 0)
            self.excluded = int(np.count_nonzero(free))
            least, most = self._count(np.where(free, 0, x), largest)
        if not (least > 0 and least != most and np.isfinite(self.sums).all()):
            self._refuse(least, most)

    def _count(self, x, largest):
        """Take x (0 for every customer left out), count its frequencies and survey the sums;
        return the least and the most mean spend of the repeat buyers."""
        self.x = x
        self.xs, self.counts = _frequencies(x)
        self.n = int(self.counts.sum())
        self.others = len(x) - self.n  # customers with x = 0
        if not self.n:
            raise NotIdentified(NO_REPEAT_BUYERS)
        with np.errstate(all="ignore"):  # bad spends are refused after, from what this finds
            self.sums, least, most = _survey(x, self.m, self.buffer, self.others, largest)
        return least, most

    def _refuse(self, least, most):
        repeat = self.m[self.x > 0]
        if least < 0:
            raise BadInput(f"{np.count_nonzero(repeat < 0):,} repeat buyers have a negative mean spend.")
        if most == 0:
            raise NotIdentified("Every repeat purchase has zero spend: there is no spend to model.")
        if least == most:
            raise NotIdentified("Every repeat buyer spends the same: the spend model needs varied spend.")
        raise BadInput(f"Mean spends up to {most:.3g} are too large to sum.")

    def every(self, k) -> "_Spends":
        return _Spends(self.x[::k], self.m[::k], self.buffer)

    def mean_spend(self) -> float:
        """The mean of the repeat buyers' mean spends."""
        return float(self.sums[1] / self.n)

    def correlation(self) -> float:
        """Pearson's r of frequency and mean spend (0 when every x is the same), from sums of
        products (to within rounding, which a warning threshold does not feel)."""
        x, m, xx, mm, xm = self.sums[:5] / self.n
        spread = (xx - x * x) * (mm - m * m)
        return float((xm - x * m) / np.sqrt(spread)) if spread > 0 else 0.0


def _frequencies(x):
    """The distinct frequencies above 0, as floats, and how many customers have each."""
    if x.max() < COUNTED:
        counts = np.bincount(x)
        xs = np.flatnonzero(counts[1:]) + 1
        return xs.astype(np.float64), counts[xs]
    xs, counts = np.unique(x[x > 0], return_counts=True)
    return xs.astype(np.float64), counts


def _survey(x, m, buffer, others, largest):
    """The sums `_Spends` holds, the least and the most m of the repeat buyers, block by block.
    In a block, a customer with x = 0 has spend 0 in the sums of m and, for the least m and
    log m, `largest`, at least the largest m of all (whose logarithms are taken off at the end)."""
    sums, least, most = np.zeros((3, 3)), np.inf, -np.inf
    repeat, other = np.empty((2, buffer.shape[1]), dtype=bool)
    for start in range(0, len(x), BLOCK):
        xb, mb = x[start : start + BLOCK], m[start : start + BLOCK]
        rows = buffer[:, : len(xb)]
        least_m, log_m, floats, spends, _ = rows
        r, o = repeat[: len(xb)], other[: len(xb)]
        np.greater(xb, 0, out=r)
        np.logical_not(r, out=o)
        np.copyto(floats, xb)
        np.multiply(mb, r, out=spends)
        np.multiply(o, largest, out=least_m)
        np.add(least_m, spends, out=least_m)
        np.log(least_m, out=log_m)
        least, most = min(least, least_m.min()), max(most, spends.max())
        sums += rows[1:4] @ rows[2:].T  # log m, x, m by x, m, 1
    (x_log_m, _, sum_log_m), (xx, xm, sum_x), (_, mm, sum_m) = sums
    sum_log_m -= others * np.log(largest)
    return np.array([sum_x, sum_m, xx, mm, xm, x_log_m, sum_log_m]), least, most


def _terms(x, m):
    """The likelihood's terms for frequencies x and mean spends m."""
    return _terms_of(_Spends(*spend_arrays(x=x, mean_spend=m)))


def _terms_of(spends):
    """Log-likelihood, gradient and Hessian. Terms in x alone are summed per distinct x, and
    the sums of x log m and log m are taken once; what depends on each customer and gamma
    comes from `_GammaSums`."""
    xs, counts, n = spends.xs, spends.counts, spends.n
    x_log_m, sum_log_m = spends.sums[5:7]
    constant = x_log_m + counts @ (xs * np.log(xs))
    sums = _GammaSums(spends)

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
    asked where the gradient was). A customer with x = 0 has u = gamma in a block; the
    unweighted sums have those taken off."""

    def __init__(self, spends):
        self.x, self.m, self.buffer, self.others = spends.x, spends.m, spends.buffer, spends.others
        self.gamma = self.values = None

    def __call__(self, gamma):
        if gamma != self.gamma:
            sums = np.zeros((3, 2))
            for start in range(0, len(self.x), BLOCK):
                xb = self.x[start : start + BLOCK]
                rows = self.buffer[:, : len(xb)]
                log_u, inverse, square, floats, _ = rows
                np.copyto(floats, xb)
                np.multiply(floats, self.m[start : start + BLOCK], out=square)
                np.add(square, gamma, out=square)
                np.log(square, out=log_u)
                np.divide(1.0, square, out=inverse)
                np.multiply(inverse, inverse, out=square)
                sums += rows[:3] @ rows[3:].T  # log u, 1 / u, 1 / u^2 by x, 1
            sums[:, 1] -= self.others * np.array([np.log(gamma), 1 / gamma, 1 / gamma**2])
            self.values, self.gamma = sums.ravel(), gamma
        return self.values
