"""Every score of every customer in one table: what `patron analytics score` and `patron score` write."""

import polars as pl

from patron.analytics.purchases import history_arrays
from patron.analytics.rfm import SEGMENT_MAP, rfm
from patron.analytics.value import deciles, discounted_purchases, periods_a_month


def score(
    summary: pl.DataFrame,
    purchases,
    spend=None,
    *,
    period="week",
    horizon=12,
    discount=0.01,
    purchases_within=None,
    segment_map=SEGMENT_MAP,
) -> pl.DataFrame:
    """The summary with p_alive, expected_purchases (in `purchases_within` periods, by default the
    horizon), expected_spend, clv (over `horizon` months, discounted monthly at `discount`),
    value_at_risk (the CLV the customer would have if alive, times 1 - p_alive; see value.py),
    value_decile (1 = most valuable tenth; by CLV, or by expected purchases without a spend
    model), and the RFM scores and segment."""
    within = purchases_within if purchases_within is not None else horizon * periods_a_month(period)
    forecast = purchases._forecast(*history_arrays(summary))  # once for every prediction
    columns = {"p_alive": forecast.alive, "expected_purchases": forecast.each(forecast.if_alive(within))}
    if spend is not None:
        columns["expected_spend"] = spend.expected_spend(summary)  # the population mean where x = 0
        if_alive = columns["expected_spend"] * discounted_purchases(
            purchases, horizon=horizon, discount=discount, period=period, forecast=forecast, if_alive=True
        )
        columns["clv"] = forecast.alive * if_alive
        columns["value_at_risk"] = (1 - forecast.alive) * if_alive
    columns["value_decile"] = deciles(columns.get("clv", columns["expected_purchases"]))
    return pl.concat([summary, pl.DataFrame(columns), rfm(summary, segment_map)], how="horizontal")
