"""Customer value analytics: summaries, RFM, BG/NBD, Pareto/NBD and Gamma-Gamma.

A library with no Django import, usable on its own by a data analyst::

    from patron import analytics

    summary = analytics.summarise("orders.parquet", customer="customer_id", time="ordered_at",
                                  amount="total", period="week")
    bg = analytics.BetaGeo().fit(summary)
    gg = analytics.GammaGamma().fit(summary)
    scores = analytics.score(summary, bg, gg, horizon=12, discount=0.01)
"""

from patron.analytics.bgnbd import BetaGeo
from patron.analytics.checks import calibration_holdout, tracking_curve
from patron.analytics.fitting import NotIdentified
from patron.analytics.frames import BadInput
from patron.analytics.gammagamma import GammaGamma, SpendCorrelationWarning, ZeroSpendWarning
from patron.analytics.paretonbd import ParetoNBD
from patron.analytics.rfm import SEGMENTS, rfm
from patron.analytics.scores import score
from patron.analytics.summaries import summarise
from patron.analytics.value import clv, deciles

__all__ = [
    "SEGMENTS",
    "BadInput",
    "BetaGeo",
    "GammaGamma",
    "NotIdentified",
    "ParetoNBD",
    "SpendCorrelationWarning",
    "ZeroSpendWarning",
    "calibration_holdout",
    "clv",
    "deciles",
    "rfm",
    "score",
    "summarise",
    "tracking_curve",
]
