"""Customer lifetime value and value deciles.

CLV discounts each month's expected purchases times the expected spend per purchase:
CLV = sum over months i = 1..horizon of spend * (E[X(i m)] - E[X((i-1) m)]) / (1 + d)^i,
where m is the number of periods in a month and d the monthly discount rate, as in
`lifetimes`' customer_lifetime_value.

In both purchase models a customer's expected purchases are P(alive) times those of the same
customer known to be alive (BG/NBD: Fader, Hardie & Lee 2005, eq. 10, whose denominator is
1 / P(alive); Pareto/NBD: Schmittlein, Morrison & Colombo 1987), so a customer's CLV is P(alive)
times their value if alive, and (1 - P(alive)) times that value is what is lost if
they have gone: the value at risk.
"""

import numpy as np

from patron.analytics.frames import BadInput
from patron.analytics.periods import DAYS
from patron.analytics.purchases import history_arrays
from patron.analytics.rfm import ntiles


def periods_a_month(period: str) -> float:
    if period not in DAYS:
        raise BadInput(f"Period {period!r}: use one of {', '.join(DAYS)}.")
    return DAYS["month"] / DAYS[period]


def discounted_purchases(
    model,
    data=None,
    *,
    horizon=12,
    discount=0.01,
    period="week",
    periods_per_month=None,
    x=None,
    t_x=None,
    T=None,
    forecast=None,
    if_alive=False,
) -> np.ndarray:
    """Sum over the horizon's months of each customer's expected purchases, discounted.
    `forecast` (from the model's `_forecast`) saves making it again; the sum is taken for an
    alive customer on each distinct (x, T) pair, then times each customer's P(alive), unless
    `if_alive` (the sum for the customer if they are alive)."""
    if horizon < 1 or int(horizon) != horizon:
        raise BadInput(f"The horizon must be a whole number of months, at least 1, not {horizon}.")
    if not 0 <= discount < 1:
        raise BadInput(f"The monthly discount rate must be at least 0 and below 1, not {discount}.")
    step = periods_per_month or periods_a_month(period)
    forecast = forecast or model._forecast(*history_arrays(data, x, t_x, T))
    total = before = 0.0
    for month in range(1, int(horizon) + 1):
        upto = forecast.if_alive(month * step)
        total = total + (upto - before) / (1 + discount) ** month
        before = upto
    return forecast.each_if_alive(total) if if_alive else forecast.each(total)


def clv(
    model,
    spend_model,
    data=None,
    *,
    horizon=12,
    discount=0.01,
    period="week",
    periods_per_month=None,
    x=None,
    t_x=None,
    T=None,
    mean_spend=None,
    forecast=None,
) -> np.ndarray:
    """Each customer's discounted value over `horizon` months, in the currency of the spend."""
    spend = spend_model.expected_spend(data, x=x, mean_spend=mean_spend)
    purchases = discounted_purchases(
        model,
        data,
        horizon=horizon,
        discount=discount,
        period=period,
        periods_per_month=periods_per_month,
        forecast=forecast,
        x=x,
        t_x=t_x,
        T=T,
    )
    return spend * purchases


def deciles(values) -> np.ndarray:
    """Value decile of each customer: 1 is the most valuable tenth, 10 the least; ties share a decile."""
    return ntiles(values, 10, ascending=False)
