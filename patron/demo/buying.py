"""When the demo's customers buy and how much: the BG/NBD and Gamma-Gamma stories run forwards.

BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way", Marketing Science
24(2)): while alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after
each repeat purchase they become inactive for good with probability p ~ Beta(a, b).
Gamma-Gamma (Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value curves", JMR 42(4)):
each order's value z ~ Gamma(p, ν) with ν ~ Gamma(q, γ) per customer, so a customer's mean
spend is p/ν. Data made this way is what Patron's own model fits should recover.
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class BuyingParams:
    # Time in days: the mean rate r/α is one purchase every 80 days, spread widely.
    r: float = 0.75
    alpha: float = 60.0
    a: float = 0.8
    b: float = 4.0
    # The Gamma-Gamma estimates for CDNOW (Fader, Hardie & Lee 2005, JMR, table 2).
    spend_p: float = 6.25
    spend_q: float = 3.74
    spend_gamma: float = 15.44


@dataclass(frozen=True)
class Purchases:
    first_day: np.ndarray  # per customer: day of the first purchase, ascending
    customer: np.ndarray  # per purchase: the buyer's index; grouped by customer, in time order
    day: np.ndarray  # per purchase: days since the window opened
    spend: np.ndarray  # per purchase: value relative to the population's mean order (mean 1)


def simulate_purchases(rng, customers, horizon_days, params=None):
    """Every purchase of `customers` people acquired over a window of `horizon_days` days."""
    params = params or BuyingParams()
    # Acquisition spread over the window, a little more of it lately (a growing shop).
    first = np.sort(horizon_days * rng.beta(1.3, 1.0, customers))
    rate = rng.gamma(params.r, 1 / params.alpha, customers)
    dropout = np.clip(rng.beta(params.a, params.b, customers), 1e-9, 1.0)
    # A Poisson process on (first, horizon] is a Poisson count of uniformly placed times;
    # a customer who drops out after the L-th repeat purchase makes only the first L of them.
    window = horizon_days - first
    arrivals = rng.poisson(rate * window)
    lifetime = rng.geometric(dropout)
    made = np.minimum(arrivals, lifetime)
    owner = np.repeat(np.arange(customers), arrivals)
    position = rng.random(owner.size)
    in_order = np.lexsort((position, owner))
    owner, position = owner[in_order], position[in_order]
    rank = np.arange(owner.size) - (np.cumsum(arrivals) - arrivals)[owner]
    kept = rank < made[owner]
    owner, position = owner[kept], position[kept]

    customer = np.concatenate([np.arange(customers), owner])
    day = np.concatenate([first, first[owner] + position * window[owner]])
    in_order = np.lexsort((day, customer))
    customer, day = customer[in_order], day[in_order]

    nu = rng.gamma(params.spend_q, 1 / params.spend_gamma, customers)
    spend = rng.gamma(params.spend_p, 1 / nu[customer])
    population_mean = params.spend_p * params.spend_gamma / (params.spend_q - 1)
    return Purchases(first_day=first, customer=customer, day=day, spend=spend / population_mean)
