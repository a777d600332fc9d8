"""What the two purchase models (BG/NBD, Pareto/NBD) share: inputs, fitting and per-customer output."""

from functools import cached_property

import numpy as np
import polars as pl

from patron.analytics.fitting import Histories, Model, codes, require_identified
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

    # A fit of many customers starts from a sample's (see `Model._maximise`) where the model is
    # fitted by Newton steps, which need two or three evaluations from there; L-BFGS-B needs
    # about as many from a near start as from the default, so the samples would only add.
    starts_from_sample = False
    # P(alive) is computed for each customer where its formula costs less than grouping the
    # customers into distinct histories would (BG/NBD: a few logarithms), else on those histories.
    alive_per_customer = False

    def fit(self, data=None, *, x=None, t_x=None, T=None, start=None):
        """Fit by maximum likelihood; `start` (a dict of parameters, say last night's fit)
        saves iterations when it is near the optimum."""
        h = Histories.of(*history_arrays(data, x, t_x, T))
        require_identified(h)

        def sample(every):
            part = h.every(every)
            require_identified(part)
            return self._terms(part)

        return self._maximise(self._terms(h), start, h.customers, sample if self.starts_from_sample else None)

    def loglik(self, data=None, *, x=None, t_x=None, T=None) -> float:
        """The log-likelihood of the fitted (or given) parameters on other data."""
        h = Histories.of(*history_arrays(data, x, t_x, T))
        return float(self._terms(h).loglik(self._params()))

    def p_alive(self, data=None, *, x=None, t_x=None, T=None) -> np.ndarray:
        """Probability that each customer is still active at the end of observation."""
        return self._forecast(*history_arrays(data, x, t_x, T)).alive

    def expected_purchases(self, t, data=None, *, x=None, t_x=None, T=None) -> np.ndarray:
        """Expected number of purchases of each customer in the next `t` periods."""
        if np.ndim(t) != 0 or not t >= 0:
            raise BadInput(f"The time ahead must be one number of periods, at least 0, not {t!r}.")
        forecast = self._forecast(*history_arrays(data, x, t_x, T))
        return forecast.each(forecast.if_alive(t))

    def expected_population(self, t) -> np.ndarray:
        """Expected number of repeat purchases by a new customer in `t` periods since the first."""
        return self._population(self._params(), np.asarray(t, dtype=np.float64))

    def _forecast(self, x, t_x, T) -> "Forecast":
        params = self._params()
        if self.alive_per_customer:
            alive = self._p_alive(params, Histories.each(x, t_x, T))
        else:
            h = Histories.of(x, t_x, T, with_index=True)
            alive = self._p_alive(params, h)[h.index]
        return Forecast(self, params, alive, x, T)


class Forecast:
    """A purchase model's predictions for customers. In both models a customer's expected
    purchases are P(alive) times those of a customer known to be alive, which depend on x and
    T alone: so they are computed once per distinct (x, T) pair (a few thousand with daily
    data, where the distinct histories are most of the customers), for as many horizons as
    wanted, and P(alive) once per customer."""

    def __init__(self, model, params, alive, x, T):
        self.model, self.params, self.alive = model, params, alive
        self._x, self._T = x, T

    @cached_property
    def _pairs(self):
        """The distinct (x, T) pairs and each customer's pair."""
        (xs, x_at), (Ts, T_at) = codes(self._x), codes(self._T)
        cells, index = codes(x_at * Ts.size + T_at)
        return xs[cells // Ts.size], Ts[cells % Ts.size], index

    def if_alive(self, t) -> np.ndarray:
        """Expected purchases in the next `t` periods of an alive customer, per (x, T) pair."""
        x, T, _ = self._pairs
        return self.model._expected_alive(self.params, t, x, T)

    def each(self, per_pair) -> np.ndarray:
        """Each customer's expectation from their pair's expectation if alive."""
        return self.alive * self.each_if_alive(per_pair)

    def each_if_alive(self, per_pair) -> np.ndarray:
        """Each customer's expectation if they are alive: their pair's."""
        return per_pair[self._pairs[2]]
