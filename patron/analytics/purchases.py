"""What the two purchase models (BG/NBD, Pareto/NBD) share: inputs, fitting and per-customer output."""

import numpy as np
import polars as pl

from patron.analytics.fitting import Histories, Model, require_identified
from patron.analytics.frames import BadInput


def history_arrays(data=None, x=None, t_x=None, T=None):
    """(x, t_x, T) from a summary frame (Polars or pandas) or from three arrays."""
    if data is not None:
        try:
            return tuple(np.asarray(data[c], dtype=np.float64) for c in ("x", "t_x", "T"))
        except (KeyError, pl.exceptions.ColumnNotFoundError):
            raise BadInput("A summary needs the columns x, t_x and T (see summarise).") from None
    if x is None or t_x is None or T is None:
        raise BadInput("Give a summary frame, or x, t_x and T.")
    arrays = tuple(np.atleast_1d(np.asarray(v, dtype=np.float64)) for v in (x, t_x, T))
    if len({a.shape for a in arrays}) != 1:
        raise BadInput("x, t_x and T must have the same length.")
    return arrays


class PurchaseModel(Model):
    """A model of purchase counts and dropout, fitted by maximum likelihood (see `Model`)."""

    def fit(self, data=None, *, x=None, t_x=None, T=None, start=None):
        """Fit by maximum likelihood; `start` (a dict of parameters, say last night's fit)
        saves iterations when it is near the optimum."""
        h = Histories.of(*history_arrays(data, x, t_x, T))
        require_identified(h)
        return self._maximise(self._terms(h), start, h.customers)

    def loglik(self, data=None, *, x=None, t_x=None, T=None) -> float:
        """The log-likelihood of the fitted (or given) parameters on other data."""
        h = Histories.of(*history_arrays(data, x, t_x, T))
        return float(self._terms(h).loglik(self._params()))

    def p_alive(self, data=None, *, x=None, t_x=None, T=None) -> np.ndarray:
        """Probability that each customer is still active at the end of observation."""
        return self._per_customer(self._p_alive, data, x, t_x, T)

    def expected_purchases(self, t, data=None, *, x=None, t_x=None, T=None) -> np.ndarray:
        """Expected number of purchases of each customer in the next `t` periods."""
        if np.ndim(t) != 0 or not t >= 0:
            raise BadInput(f"The time ahead must be one number of periods, at least 0, not {t!r}.")
        return self._per_customer(lambda p, h: self._expected(p, t, h), data, x, t_x, T)

    def expected_population(self, t) -> np.ndarray:
        """Expected number of repeat purchases by a new customer in `t` periods since the first."""
        return self._population(self._params(), np.asarray(t, dtype=np.float64))

    def _per_customer(self, compute, data, x, t_x, T):
        params = self._params()
        h = Histories.of(*history_arrays(data, x, t_x, T), with_index=True)
        return compute(params, h)[h.index]
