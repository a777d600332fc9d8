"""The papers' model checks for the analyst tab: fit on the earlier part of the history, then
compare with what happened in the later part (the holdout)."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl

from patron import analytics

HOLDOUT_SHARE = 1 / 3
LEAST_WEEKS = 24
MOST_FREQUENCY = 7


def model_checks(orders: pl.DataFrame, *, zone, today, start=None) -> dict:
    """Tracking curve and calibration-vs-holdout table, or a note saying why there are none."""
    first = orders["time"].min().astimezone(ZoneInfo(zone)).date()
    weeks = (today - first).days / 7
    if weeks < LEAST_WEEKS:
        return {"note": f"The history covers {weeks:.0f} weeks; the checks need at least {LEAST_WEEKS}."}
    calibration_end = today - timedelta(days=round((today - first).days * HOLDOUT_SHARE))
    window = {"period": "week", "grain": "day", "tz": zone, "observation_end": today}
    summary = analytics.summarise(orders, calibration_end=calibration_end, **window)
    try:
        model = analytics.BetaGeo().fit(summary, start=start)
    except analytics.NotIdentified as error:
        return {"note": str(error)}
    curve = analytics.tracking_curve(model, orders, calibration_end=calibration_end, **window)
    table = analytics.calibration_holdout(model, summary, most=MOST_FREQUENCY)
    if not (
        np.isfinite(curve["expected"].to_numpy()).all() and np.isfinite(table["expected"].to_numpy()).all()
    ):
        return {
            "note": "The model fitted on the calibration window gives no finite expectation for these data."
        }
    return {
        "calibration_end": calibration_end.isoformat(),
        "params": model.params_,
        "tracking": {c: curve[c].to_list() for c in ("period", "actual", "expected")},
        "holdout": table.to_dicts(),
    }
