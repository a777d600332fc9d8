"""The published fits on the CDNOW sample, to the precision the papers print."""

import numpy as np
import pytest

from patron.analytics import BetaGeo, GammaGamma, ParetoNBD, calibration_holdout, tracking_curve
from patron.analytics.tests.cdnow import CALIBRATION_END, CDNOW, COLUMNS, OBSERVATION_END, cdnow_summary


@pytest.fixture(scope="module")
def summary():
    return cdnow_summary()


def rounded(params, digits):
    return {k: round(v, digits) for k, v in params.items()}


def test_the_summary_has_the_papers_customers(summary):
    assert summary.height == 2357
    assert (summary["x"] == 0).sum() == 1411  # FHL 2005: 1,411 made no repeat purchase in the 39 weeks
    assert summary["x"].sum() == 2457
    assert summary["T"].max() == pytest.approx(38.86, abs=0.005)
    assert summary["duration_holdout"][0] == pytest.approx(39.0)


def test_bgnbd_matches_fader_hardie_lee_2005(summary):
    model = BetaGeo().fit(summary)
    assert rounded(model.params_, 3) == {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    assert round(model.loglik_, 1) == -9582.4
    # Standard errors from the inverse Hessian, as FHL's note reports them.
    assert rounded(model.standard_errors_, 3) == {"r": 0.013, "alpha": 0.378, "a": 0.186, "b": 0.705}


def test_paretonbd_matches_lifetimes_or_beats_it(summary):
    model = ParetoNBD().fit(summary)
    assert rounded(model.params_, 3) == {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}
    assert model.loglik_ >= -9595.0


def test_gamma_gamma_matches_fader_hardie_lee_2005_rfm_clv(summary):
    model = GammaGamma().fit(summary)
    assert rounded(model.params_, 2) == {"p": 6.25, "q": 3.74, "gamma": 15.44}
    assert model.customers_ == 946


def test_calibration_against_holdout_follows_the_papers_figure(summary):
    table = calibration_holdout(BetaGeo().fit(summary), summary)
    assert table["customers"].sum() == 2357
    first = table.row(0, named=True)
    assert (first["x"], first["customers"]) == (0, 1411)
    assert first["actual"] == pytest.approx(0.237, abs=0.001)
    assert first["expected"] == pytest.approx(0.225, abs=0.001)
    # The model tracks the holdout within half a purchase at every calibration frequency.
    assert np.all(np.abs((table["actual"] - table["expected"]).to_numpy()) < 0.5)


def test_the_tracking_curve_follows_the_actual_repeat_purchases(summary):
    curve = tracking_curve(
        BetaGeo().fit(summary),
        CDNOW,
        **COLUMNS,
        calibration_end=CALIBRATION_END,
        observation_end=OBSERVATION_END,
    )
    assert curve.height == 78
    assert curve["calibration"].sum() == 38
    assert np.all(np.diff(curve["expected"].to_numpy()) > 0)
    assert np.all(np.diff(curve["actual"].to_numpy()) >= 0)
    end = curve.row(-1, named=True)
    assert end["actual"] == summary["x"].sum() + summary["x_holdout"].sum()
    assert abs(end["expected"] - end["actual"]) / end["actual"] < 0.05
