"""Maximum-likelihood fitting shared by the models: optimiser, standard errors, distinct histories.

Each model fits on the distinct (x, t_x, T) histories with their counts, so the cost of a
likelihood evaluation grows with the number of distinct histories, not of customers. The
optimiser works on the logarithms of the (positive) parameters. A model that gives its
Hessian is fitted by Newton steps (damped while the start is far off, with scipy's trust
region as the last resort), a handful of evaluations, and its standard errors come from that
Hessian (the observed information); otherwise L-BFGS-B with the gradient, and the Hessian by
central differences of the gradient."""

import math
from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy.special import ndtri

from patron.analytics.frames import BadInput

LOG_BOUNDS = (np.log(1e-9), np.log(1e9))
# Fits of at least MANY customers start from the fit of every SAMPLE-th of them, itself
# started the same way when that is still MANY.
MANY = 50_000
SAMPLE = 10
# Newton steps alone have reached the optimum when the mean log-likelihood is this flat; they
# are taken only while they change no parameter by more than a factor e^NEAR (a start far off
# is for damped steps, or the trust region, to mend). A fit is done when the next step would
# change no parameter by more than a factor e^CLOSE: steps shrink quadratically, so the one
# after would be far below rounding, and taking this one would cost a likelihood evaluation.
FLAT = 1e-9
NEAR = 0.5
CLOSE = 1e-8
# A parameter beyond this (or below its inverse) has run off towards a limit the data cannot
# tell from it (BG/NBD: a and b growing together when dropout is the same for everyone).
BOUNDARY = 1e5
# A column of whole numbers spanning fewer values than this is coded by counting, not sorting.
COUNTED = 1 << 24
WHOLE = 2.0**53  # floats below this in size are whole numbers exactly when they equal an int64
# Distinct rows are found on one integer key, the columns' codes packed together, when their
# numbers of distinct values multiply to less than this; else by a Polars group-by.
PACKED = 1 << 62


class NotIdentified(ValueError):
    """The data cannot identify the model's parameters; the message says why."""


@dataclass(frozen=True)
class Histories:
    """Distinct (x, t_x, T) rows, how many customers share each, and each customer's row."""

    x: np.ndarray
    t_x: np.ndarray
    T: np.ndarray
    count: np.ndarray
    index: np.ndarray | None = None

    @classmethod
    def of(cls, x, t_x, T, *, with_index=False) -> "Histories":
        columns = [np.asarray(v, dtype=np.float64) for v in (x, t_x, T)]
        frame = pl.DataFrame(dict(zip(("x", "t_x", "T"), columns, strict=True)))
        _check_histories(frame)
        # Sorted, so that the same data sums in the same order and fits the same every time.
        coded = [codes(column) for column in columns]
        if np.prod([float(values.size) for values, _ in coded]) < PACKED:
            return cls._packed(coded, with_index)
        if not with_index:
            distinct = frame.lazy().group_by("x", "t_x", "T").len().sort("x", "t_x", "T").collect()
            return cls(*(distinct[c].to_numpy() for c in ("x", "t_x", "T")), distinct["len"].to_numpy(), None)
        groups = (
            frame.lazy()
            .with_row_index("row")
            .group_by("x", "t_x", "T")
            .agg(pl.col("row"), pl.len())
            .sort("x", "t_x", "T")
            .collect()
        )
        index = np.empty(frame.height, dtype=np.int64)
        index[groups["row"].explode().to_numpy()] = np.repeat(
            np.arange(groups.height), groups["len"].to_numpy()
        )
        return cls(*(groups[c].to_numpy() for c in ("x", "t_x", "T")), groups["len"].to_numpy(), index)

    @classmethod
    def each(cls, x, t_x, T) -> "Histories":
        """One row per customer, in their order, checked as `of` checks them: for formulas that
        cost less per customer than grouping the customers would."""
        columns = [np.asarray(v, dtype=np.float64) for v in (x, t_x, T)]
        _check_histories(pl.DataFrame(dict(zip(("x", "t_x", "T"), columns, strict=True))))
        return cls(*columns, np.ones(len(columns[0])))

    @classmethod
    def _packed(cls, coded, with_index) -> "Histories":
        """The distinct rows from one integer key per row: its codes in x, t_x and T packed
        together in that order, so that the sorted keys are the rows sorted."""
        key = np.zeros(len(coded[0][1]), dtype=np.int64)
        for values, places in coded:
            key *= values.size
            key += places
        cells = math.prod(values.size for values, _ in coded)
        index = None
        if cells <= key.size:  # no more possible histories than customers: count them, no sort
            counts = np.bincount(key, minlength=cells)
            present = counts > 0
            keys, count = np.flatnonzero(present), counts[present]
            if with_index:
                index = (np.cumsum(present) - 1)[key]
        # Polars sorts and ranks a million keys in a half and a third of the time numpy takes.
        elif with_index:
            index = pl.Series(key).rank("dense").to_numpy().astype(np.int64) - 1
            count = np.bincount(index)
            keys = np.empty(count.size, dtype=np.int64)
            keys[index] = key
        else:
            ordered = pl.Series(key).sort().to_numpy()
            starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
            keys, count = ordered[starts], np.diff(np.r_[starts, ordered.size])
        columns = []
        for values, _ in reversed(coded):
            keys, place = np.divmod(keys, values.size)
            columns.append(values[place])
        return cls(*reversed(columns), count, index)

    def every(self, k: int) -> "Histories":
        """Every k-th customer, counted along the sorted histories (a sample stratified by
        history, taken without going back to the customers): the histories with at least one
        of them, and how many. Customers j, j + 1, ... of a history whose first is j."""
        ends = np.cumsum(self.count)
        count = (ends + k - 1) // k - (ends - self.count + k - 1) // k
        kept = count > 0
        return Histories(self.x[kept], self.t_x[kept], self.T[kept], count[kept])

    @property
    def customers(self) -> int:
        return int(self.count.sum())


def codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of a column, sorted, and the place of each value among them. Whole
    numbers in a span of fewer than COUNTED are placed by counting them: no sort."""
    least, most = values.min(), values.max()
    if most - least < COUNTED and least > -WHOLE and most < WHOLE:
        whole = values.astype(np.int64)
        if np.array_equal(whole, values):
            whole -= np.int64(least)
            present = np.bincount(whole) > 0
            return np.flatnonzero(present) + least, (np.cumsum(present) - 1)[whole]
    return np.unique(values, return_inverse=True)


def _check_histories(frame: pl.DataFrame) -> None:
    if frame.height == 0:
        raise BadInput("There are no customers to fit or score.")
    bad = frame.select(
        nan=pl.any_horizontal(pl.all().is_nan()).sum(),
        negative=pl.any_horizontal(pl.all() < 0).sum(),
        fraction=(pl.col("x") != pl.col("x").floor()).sum(),
        late=(pl.col("t_x") > pl.col("T")).sum(),
        zero_recency=((pl.col("x") > 0) & (pl.col("t_x") <= 0)).sum(),
    ).row(0, named=True)
    told = {
        "nan": "are missing",
        "negative": "are negative",
        "fraction": "have a frequency x that is not a whole number",
        "late": "have a recency t_x after their age T",
        "zero_recency": "have repeat purchases but a recency of 0",
    }
    problems = [f"{bad[k]:,} customers {what}" for k, what in told.items() if bad[k]]
    if problems:
        raise BadInput("Bad summary: " + "; ".join(problems) + ".")


def require_identified(h: Histories) -> None:
    """Refuse data from which a purchase model cannot be told: the reasons a marketer would see."""
    if not (h.x > 0).any():
        raise NotIdentified("No customer has bought twice: a purchase model needs repeat buyers.")
    if np.ptp(h.T) == 0 and np.max(h.T) <= 1:
        raise NotIdentified("All the data lies within one period: observe customers over several periods.")


@dataclass(frozen=True)
class Fit:
    params: dict
    standard_errors: dict
    covariance: np.ndarray
    loglik: float


class Model:
    """A model fitted by maximum likelihood, or given its parameters.

    After `fit`, `params_` holds the parameters, `standard_errors_` their standard errors,
    `covariance_` their covariance and `loglik_` the maximised log-likelihood.
    """

    names: tuple[str, ...] = ()
    start: tuple[float, ...] = ()

    def __init__(self, params: dict | None = None):
        self.params_ = dict(params) if params else None
        self.standard_errors_ = self.covariance_ = self.loglik_ = self.customers_ = None

    def __repr__(self):
        if not self.params_:
            return f"{type(self).__name__}()"
        return f"{type(self).__name__}({', '.join(f'{k}={v:.4g}' for k, v in self.params_.items())})"

    def confidence_intervals(self, level=0.95) -> dict:
        z = ndtri(0.5 + level / 2)
        return {
            k: (v - z * self.standard_errors_[k], v + z * self.standard_errors_[k])
            for k, v in self.params_.items()
        }

    def _maximise(self, terms, start, customers, sample=None, units=None):
        """Fit `terms`. Without a start, many customers are first fitted on every SAMPLE-th of
        them (`sample(k)` gives the terms of every k-th): a tenth of the work lands near the
        optimum, and the full likelihood then needs only the last few steps. Where that sample
        cannot be fitted, the full fit starts from the default. `units`: see `maximise`."""
        units = np.ones(len(self.names)) if units is None else np.asarray(units, dtype=np.float64)
        default = tuple(np.multiply(self.start, units).tolist())
        if start is None and sample is not None and customers >= MANY:
            start = self._sample_start(sample, customers, SAMPLE, units)
        start = starting(start, self.names, default)
        fit = maximise(terms, start, self.names, customers=customers, units=units)
        self.params_, self.standard_errors_ = fit.params, fit.standard_errors
        self.covariance_, self.loglik_, self.customers_ = fit.covariance, fit.loglik, customers
        return self

    def _sample_start(self, sample, customers, every, units):
        """The fit of every `every`-th customer, or None where it cannot be fitted."""
        start = None
        if customers // every >= MANY:
            start = self._sample_start(sample, customers, every * SAMPLE, units)
        try:
            start = starting(start, self.names, tuple(np.multiply(self.start, units).tolist()))
            fit = maximise(sample(every), start, self.names, customers=customers // every, units=units)
            return fit.params
        except NotIdentified:
            return None

    def _params(self):
        if not self.params_:
            raise BadInput(f"Fit the {type(self).__name__} model first, or give its parameters.")
        return tuple(self.params_[n] for n in self.names)


def starting(start, names, default):
    """Start values from a dict of parameters when it names each one with a positive number."""
    if not start:
        return default
    try:
        values = tuple(float(start[name]) for name in names)
    except (KeyError, TypeError, ValueError):
        raise BadInput(f"A start needs a positive number for each of {', '.join(names)}.") from None
    if not all(np.isfinite(v) and v > 0 for v in values):
        raise BadInput(f"A start needs a positive number for each of {', '.join(names)}.")
    return values


class LogSpace:
    """The mean negative log-likelihood as a function of the logarithms of the parameters.

    The optimiser sees the mean over `customers`: a sum over millions has gradients so large
    that a first step would leap to the bounds and stop there, looking converged. The last
    point's value and gradient are kept, since optimisers ask for them one after the other.
    """

    def __init__(self, terms, customers):
        self.terms, self.scale = terms, 1.0 / customers
        self.both = getattr(terms, "value_and_gradient", None)
        self._at = self._value = self._gradient = None

    def _evaluate(self, theta):
        if self._at is not None and np.array_equal(theta, self._at):
            return
        p = np.exp(np.clip(theta, *LOG_BOUNDS))
        with np.errstate(all="ignore"):
            if self.both is not None:
                value, gradient = self.both(p)
            else:
                value, gradient = self.terms.loglik(p), self.terms.gradient(p)
        value = -value * self.scale
        gradient = -np.asarray(gradient) * p * self.scale
        self._at = np.array(theta, copy=True)
        self._value = value if np.isfinite(value) else 1e300
        self._gradient = np.where(np.isfinite(gradient), gradient, 0.0)

    def value(self, theta):
        self._evaluate(theta)
        return self._value

    def gradient(self, theta):
        self._evaluate(theta)
        return self._gradient

    def value_and_gradient(self, theta):
        self._evaluate(theta)
        return self._value, self._gradient

    def hessian(self, theta):
        """d2/dtheta2 of the mean negative log-likelihood, from the Hessian in the parameters."""
        p = np.exp(np.clip(theta, *LOG_BOUNDS))
        with np.errstate(all="ignore"):
            h = -self.terms.hessian(p) * np.outer(p, p) * self.scale
        return np.where(np.isfinite(h), h + np.diag(self.gradient(theta)), 0.0)


def maximise(terms, start, names, *, customers, units=None) -> Fit:
    """Maximise the log-likelihood of `terms` (a namespace of `loglik(p)` and `gradient(p)`,
    optionally `value_and_gradient(p)` and `hessian(p)`) over positive parameters.

    With a Hessian, Newton steps (a handful of iterations), damped from a far start, and where
    those cannot go on a trust region; without one, L-BFGS-B. Either way on the logarithms of
    the parameters.

    `units`: each parameter's unit (1 by default), against which BOUNDARY and LOG_BOUNDS are
    taken. A scale parameter is in the units of the data: Gamma-Gamma's gamma is a spend, about
    500,000 for a shop counting in dong where it is 20 for one counting in dollars.
    """
    units = np.ones(len(start)) if units is None else np.asarray(units, dtype=np.float64)
    hessian_of = getattr(terms, "hessian", None)
    objective = LogSpace(terms, customers)
    theta0 = np.log(np.asarray(start, dtype=np.float64))
    at_start = objective.value(theta0)
    if hessian_of is not None:
        theta = _newton(objective, theta0)
        if np.max(np.abs(objective.gradient(theta))) > FLAT:
            theta = _newton(objective, _walk(objective, theta))
        if np.max(np.abs(objective.gradient(theta))) > FLAT:
            theta = _minimise(
                objective.value,
                theta,
                jac=objective.gradient,
                hess=objective.hessian,
                method="trust-exact",
                options={"gtol": 1e-6, "maxiter": 500},
            ).x
            theta = _newton(objective, theta)
        lowest = objective.value(theta)
    else:
        result = _minimise(
            objective.value_and_gradient,
            theta0,
            jac=True,
            method="L-BFGS-B",
            bounds=[(LOG_BOUNDS[0] + shift, LOG_BOUNDS[1] + shift) for shift in np.log(units)],
            # Stop on the slope: a stop on the change in value comes short of the optimum.
            options={"ftol": 0.0, "gtol": 1e-10, "maxiter": 5000},
        )
        theta, lowest = result.x, result.fun
    if not np.all(np.isfinite(theta)) or not np.isfinite(lowest) or lowest >= 1e300:
        raise NotIdentified("The likelihood could not be maximised: the data do not identify the model.")
    steepest = np.max(np.abs(objective.gradient(theta)))
    if steepest > 1e-3 or lowest > at_start:
        raise NotIdentified(
            f"The fit did not converge (slope {steepest:.2g} where it stopped): "
            "the data do not identify the model."
        )
    params = np.exp(theta)
    with np.errstate(all="ignore"):
        hessian = -hessian_of(params) if hessian_of is not None else _hessian(terms.gradient, params)
    try:
        covariance = np.linalg.inv(hessian)
    except np.linalg.LinAlgError:
        raise NotIdentified(
            "The parameters are not identified: the likelihood is flat in some direction."
        ) from None
    variances = np.diag(covariance)
    if (
        not np.all(np.isfinite(variances))
        or np.any(variances <= 0)
        or np.any(params / units > BOUNDARY)
        or np.any(params / units < 1 / BOUNDARY)
    ):
        raise NotIdentified(
            "The fit ran off to a boundary ("
            + ", ".join(f"{n}={v:.3g}" for n, v in zip(names, params, strict=True))
            + "): the data do not identify the model."
        )
    return Fit(
        params=dict(zip(names, params.tolist(), strict=True)),
        standard_errors=dict(zip(names, np.sqrt(variances).tolist(), strict=True)),
        covariance=covariance,
        loglik=-float(lowest) * customers,
    )


def _minimise(*args, **options):
    """scipy's minimize, imported only when it is needed: scipy.optimize takes a quarter of a
    second to import, and Newton steps fit most data without it."""
    from scipy import optimize

    return optimize.minimize(*args, **options)


def _newton(objective, theta, steps=8):
    """Plain Newton steps while they are short and lower both the value and the slope: from a
    start near the optimum (last night's fit, a sample's) they are all it takes. From far, the
    first step fails and damped steps (`_walk`) take over. Near the optimum the change in the mean
    log-likelihood falls below rounding before the slope is nil, which stops a trust region
    early when the parameters are strongly correlated; Newton steps finish the work."""
    for _ in range(steps):
        value, slope = objective.value_and_gradient(theta)
        if np.max(np.abs(slope)) < 1e-13:
            break
        try:
            step = np.linalg.solve(objective.hessian(theta), slope)
        except np.linalg.LinAlgError:
            break
        if not CLOSE <= np.max(np.abs(step)) <= NEAR:
            break
        better = theta - step
        value_there, slope_there = objective.value_and_gradient(better)
        if not (
            value_there <= value + 1e-12 * abs(value) and np.max(np.abs(slope_there)) < np.max(np.abs(slope))
        ):
            break
        theta = better
    return theta


def _walk(objective, theta, steps=100, tries=12):
    """Damped Newton steps, each cut to a factor e^NEAR at most: the Hessian is shifted by
    enough to make it positive definite where it is not, plus a damping that grows until the
    step lowers the value and shrinks after each step that does (Levenberg and Marquardt's
    way). From a start far off (the default's, on a sample) a dozen or two of them reach the
    optimum without the trust region, whose module takes a quarter of a second to import.
    Where they cannot go on, the trust region takes over from where they stopped."""
    damping = 0.0
    for _ in range(steps):
        value, slope = objective.value_and_gradient(theta)
        if np.max(np.abs(slope)) < FLAT:
            break
        hessian = objective.hessian(theta)
        shift = max(0.0, -1.5 * np.linalg.eigvalsh(hessian)[0])
        for _ in range(tries):
            step = np.linalg.solve(hessian + (shift + damping) * np.eye(len(theta)), slope)
            step *= min(1.0, NEAR / np.max(np.abs(step)))
            if objective.value(theta - step) < value:
                damping /= 4
                break
            damping = max(4 * damping, 1e-3 * np.max(np.abs(np.diag(hessian))))
        else:
            break
        theta = theta - step
    return theta


def _hessian(gradient, params):
    """Hessian of the negative log-likelihood at `params` by central differences of the gradient."""
    n = len(params)
    steps = 1e-5 * np.maximum(np.abs(params), 1e-3)
    hessian = np.empty((n, n))
    for i in range(n):
        e = np.zeros(n)
        e[i] = steps[i]
        hessian[i] = -(gradient(params + e) - gradient(params - e)) / (2 * steps[i])
    return (hessian + hessian.T) / 2
