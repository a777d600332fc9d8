"""Gamma-Gamma spend: Fader, Hardie & Lee (2005), "RFM and CLV: using iso-value curves".

A customer's spends are Gamma(p, nu) around their mean, with nu ~ Gamma(q, gamma) across
customers. Fitted on repeat buyers (x > 0) and their mean repeat spend. The model assumes a
customer's spend does not depend on how often they buy; fitting warns when the data says
otherwise.
"""

import warnings

import numpy as np
from scipy.special import digamma, gammaln

from patron.analytics.fitting import Model, NotIdentified
from patron.analytics.frames import BadInput

CORRELATION_WARNING = 0.3


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
        if np.isnan(x).any() or np.isnan(m).any():
            raise BadInput("Some frequencies or mean spends are missing.")
        repeat = x > 0
        if not repeat.any():
            raise NotIdentified("No customer has bought twice: the spend model needs repeat buyers.")
        x, m = x[repeat], m[repeat]
        if (m < 0).any():
            raise BadInput(f"{int((m < 0).sum()):,} repeat buyers have a negative mean spend.")
        if not (m > 0).any():
            raise NotIdentified("Every repeat purchase has zero spend: there is no spend to model.")
        if (m == 0).any():
            raise BadInput(f"{int((m == 0).sum()):,} repeat buyers have a zero mean spend; leave them out.")
        if np.ptp(m) == 0:
            raise NotIdentified("Every repeat buyer spends the same: the spend model needs varied spend.")
        self.correlation_ = float(np.corrcoef(x, m)[0, 1]) if np.ptp(x) > 0 else 0.0
        if abs(self.correlation_) >= CORRELATION_WARNING:
            warnings.warn(
                f"Frequency and mean spend are correlated (r = {self.correlation_:.2f}); the Gamma-Gamma "
                "model assumes they are not, so its spend predictions may be biased.",
                SpendCorrelationWarning,
                stacklevel=2,
            )
        return self._maximise(*_negloglik(x, m), start, len(x))

    def expected_spend(self, data=None, *, x=None, mean_spend=None) -> np.ndarray:
        """Expected mean spend per future purchase of each customer (the population mean for x = 0)."""
        p, q, gamma = self._params()
        x, m = spend_arrays(data, x, mean_spend)
        return (gamma + x * m) * p / (p * x + q - 1)


def _negloglik(x, m):
    """Negative log-likelihood and its gradient; terms in x alone are summed per distinct x."""
    xs, counts = np.unique(x, return_counts=True)
    log_m, log_x = np.log(m), np.log(x)
    sum_x_log_m, sum_log_m, sum_x_log_x = x @ log_m, log_m.sum(), x @ log_x
    n = len(x)

    def negloglik(params):
        p, q, gamma = params
        lgam = counts @ (gammaln(p * xs + q) - gammaln(p * xs))
        return -float(
            lgam
            - n * gammaln(q)
            + n * q * np.log(gamma)
            + p * sum_x_log_m
            - sum_log_m
            + p * sum_x_log_x
            - (p * x + q) @ np.log(x * m + gamma)
        )

    def gradient(params):
        p, q, gamma = params
        log_xm = np.log(x * m + gamma)
        d_p = counts @ (xs * (digamma(p * xs + q) - digamma(p * xs))) + sum_x_log_m + sum_x_log_x - x @ log_xm
        d_q = counts @ digamma(p * xs + q) - n * digamma(q) + n * np.log(gamma) - log_xm.sum()
        d_gamma = n * q / gamma - ((p * x + q) / (x * m + gamma)).sum()
        return -np.array([d_p, d_q, d_gamma])

    return negloglik, gradient
