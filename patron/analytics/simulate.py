"""Customers drawn from the models' own generative processes, for tests and benchmarks.

Each customer makes a first purchase at a birth time spread uniformly over the first `births`
periods of a window of `window` periods, then:

- BG/NBD: buys at Poisson rate lambda ~ Gamma(r, rate alpha) and, after each repeat purchase,
  drops out with probability p ~ Beta(a, b);
- Pareto/NBD: buys at Poisson rate lambda ~ Gamma(r, rate alpha) until an exponential lifetime
  with rate mu ~ Gamma(s, rate beta);
- Gamma-Gamma: every purchase (the first too) spends Gamma(p, rate nu), nu ~ Gamma(q, rate gamma).

All draws are vectorised over customers. Observed histories come out exactly, without
simulating the unobserved purchases one by one: a Poisson process seen for a time L holds
N ~ Poisson(lambda L) purchases whose times are N uniform draws on [0, L]. With BG/NBD the
customer makes K ~ Geometric(p) repeat purchases at most, so x = min(N, K) and the last one,
the x-th smallest of the N times, is L * Beta(x, N - x + 1); with Pareto/NBD, L is the
lifetime cut at the end of the window, x = N and t_x = L * Beta(N, 1). Given the x-th
purchase at t_x, the other x - 1 repeat purchases are uniform on [0, t_x].
"""

from datetime import datetime, timedelta

import numpy as np
import polars as pl

from patron.analytics.bgnbd import BetaGeo
from patron.analytics.paretonbd import ParetoNBD

MICROSECONDS_A_DAY = 86_400_000_000
START = datetime(2022, 1, 1)


def summary(n, purchases, spend=None, *, window=104.0, births=52.0, seed=0) -> pl.DataFrame:
    """The exact continuous-time summary of `n` customers: customer, x, t_x, T (in periods) and
    mean_spend (the mean of the x repeat spends, 0 without any; only with a `spend` model).

    `purchases` is a BetaGeo or ParetoNBD and `spend` a GammaGamma, each holding the true parameters.
    """
    rng = np.random.default_rng(seed)
    birth, x, t_x = _histories(rng, n, purchases, window, births)
    columns = {"customer": np.arange(n, dtype=np.int64), "x": x, "t_x": t_x, "T": window - birth}
    if spend is not None:
        nu = _spend_rates(rng, n, spend)
        total = rng.gamma(spend.params_["p"] * np.maximum(x, 1), 1.0 / nu)  # a sum of x Gamma(p, nu) spends
        columns["mean_spend"] = np.where(x > 0, total / np.maximum(x, 1), 0.0)
    return pl.DataFrame(columns)


def transactions(
    n, purchases, spend, *, window=104.0, births=52.0, period_days=7.0, start=START, seed=0, first_customer=0
) -> pl.DataFrame:
    """The transaction log of `n` customers: customer (Int64), time (Datetime us), amount (Float64).

    Times are drawn to the microsecond, so two purchases of a customer practically never share a
    time and `summarise(..., grain="exact")` sees every purchase; rows are in time order. The window runs
    from `start` to `observation_end(window, period_days, start)`; a period is `period_days` days.
    """
    rng = np.random.default_rng(seed)
    birth, x, t_x = _histories(rng, n, purchases, window, births)
    nu = _spend_rates(rng, n, spend)
    rows = 1 + x
    owner = np.repeat(np.arange(n), rows)
    # Within a customer: row 0 is the first purchase (0), row 1 the last repeat one (t_x), the rest uniform.
    rank = np.arange(owner.size) - np.repeat(np.cumsum(rows) - rows, rows)
    since = np.where(rank == 0, 0.0, t_x[owner])
    others = rank > 1
    since[others] *= rng.random(int(others.sum()))
    unit = period_days * MICROSECONDS_A_DAY
    micros = _micros(start) + np.floor((birth[owner] + since) * unit).astype(np.int64)
    frame = pl.DataFrame(
        {
            "customer": (owner + first_customer).astype(np.int64),
            "time": micros.astype("datetime64[us]"),
            "amount": rng.gamma(spend.params_["p"], 1.0 / nu[owner]),
        }
    )
    return frame.sort("time")


def write_transactions(path, n, purchases, spend, *, chunk=1_000_000, seed=0, **options) -> int:
    """Write the transaction log of `n` customers to a Parquet file, `chunk` customers at a time
    (so memory stays that of one chunk; rows are in time order within a chunk); `options` as for
    `transactions`. Returns the row count."""
    import pyarrow.parquet as pq

    written = 0
    with pq.ParquetWriter(str(path), pl.DataFrame(schema=_SCHEMA).to_arrow().schema) as writer:
        for number, first in enumerate(range(0, n, chunk)):
            block = transactions(
                min(chunk, n - first), purchases, spend, seed=[seed, number], first_customer=first, **options
            )
            writer.write_table(block.to_arrow(), row_group_size=1 << 20)
            written += block.height
    return written


def observation_end(window=104.0, period_days=7.0, start=START) -> datetime:
    """The end of the window of a transaction log: give it to `summarise` as `observation_end`."""
    return start + timedelta(days=window * period_days)


_SCHEMA = {"customer": pl.Int64, "time": pl.Datetime("us"), "amount": pl.Float64}


def _micros(moment: datetime) -> int:
    return (moment - datetime(1970, 1, 1)) // timedelta(microseconds=1)


def _histories(rng, n, model, window, births):
    """Birth times, repeat-purchase counts x and recencies t_x of `n` customers."""
    birth = rng.uniform(0.0, births, n)
    T = window - birth
    if isinstance(model, BetaGeo):
        r, alpha, a, b = (model.params_[k] for k in BetaGeo.names)
        rate = rng.gamma(r, 1.0 / alpha, n)
        dropout = rng.beta(a, b, n)
        seen = rng.poisson(rate * T)
        made = rng.geometric(np.maximum(dropout, 1e-12))  # repeat purchases made before dropping out
        x = np.minimum(seen, made)
        span = T
    elif isinstance(model, ParetoNBD):
        r, alpha, s, beta = (model.params_[k] for k in ParetoNBD.names)
        rate = rng.gamma(r, 1.0 / alpha, n)
        with np.errstate(divide="ignore"):
            lifetime = rng.exponential(1.0 / rng.gamma(s, 1.0 / beta, n))
        span = np.minimum(lifetime, T)
        x = seen = rng.poisson(rate * span)
    else:
        raise TypeError(f"Cannot simulate a {type(model).__name__}: give a BetaGeo or a ParetoNBD.")
    t_x = np.zeros(n)
    repeat = x > 0
    t_x[repeat] = span[repeat] * rng.beta(x[repeat], seen[repeat] - x[repeat] + 1)
    return birth, x.astype(np.int64), t_x


def _spend_rates(rng, n, model):
    return rng.gamma(model.params_["q"], 1.0 / model.params_["gamma"], n)
