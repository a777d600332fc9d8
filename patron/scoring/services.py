"""Scoring every customer: read the orders, summarise, fit, predict, store (`patron score`, the
nightly job and the job after each import all call `customers_score`)."""

import time
import warnings
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl
from django.conf import settings
from django.utils import timezone

from patron import analytics
from patron.accounts.permissions import require_perm
from patron.scoring.checks import model_checks
from patron.scoring.models import CustomerScore, ScoringRun
from patron.scoring.reading import orders_frame
from patron.scoring.writing import scores_replace
from patron.workspace.services import get_workspace

PERIOD = "week"
HORIZON_MONTHS = 12
PURCHASE_WEEKS = 90 / 7
UNUSABLE = "The fitted model gives no finite prediction for some customers: only RFM is scored."
STAGES = ("read", "summarise", "fit", "predict", "write", "check")


def customers_score(*, by=None, progress=None) -> ScoringRun:
    """Score every customer who has bought. `by` is the user who asked (None: the scheduler).

    `progress(stage)` is called as each of STAGES starts; the run is done, and its `seconds`
    counted, when the scores are written, before the model checks. When the data cannot identify the
    models (too few repeat buyers, too short a history), RFM is still scored and the run's
    note says why P(alive) and CLV are missing.
    """
    if by is not None:
        require_perm(by, "scoring.run_scoring")
    workspace = get_workspace()
    started = time.perf_counter()
    run = ScoringRun.objects.create(started_at=timezone.now(), currency=workspace.currency)
    step = progress or (lambda stage: None)
    try:
        step("read")
        orders = orders_frame()
        run.orders = orders.height
        if orders.height == 0:
            CustomerScore.objects.all().delete()
            return _finish(run, started, pl.DataFrame(), note="There are no orders to score.")
        step("summarise")
        zone = workspace.time_zone
        today = datetime.now(ZoneInfo(zone)).date()
        summary = analytics.summarise(orders, period=PERIOD, grain="day", tz=zone, observation_end=today)
        step("fit")
        purchases, spend, note = _fitted(summary, run)
        step("predict")
        run.note = note
        scores = _scores(summary, purchases, spend, zone, run)
        step("write")
        scores_replace(scores.with_columns(run_id=pl.lit(run.pk)))
        _finish(run, started, scores, note=run.note)
    except Exception as error:
        run.status, run.note = ScoringRun.Status.FAILED, f"{type(error).__name__}: {error}"
        run.finished_at, run.seconds = timezone.now(), time.perf_counter() - started
        run.save()
        raise
    # The scores are in; the model checks (for the analyst tab) come after and are timed apart.
    step("check")
    checking = time.perf_counter()
    run.checks = model_checks(orders, zone=zone, today=today, start=purchases and purchases.params_)
    run.checks["seconds"] = round(time.perf_counter() - checking, 2)
    run.save(update_fields=["checks"])
    return run


def _fitted(summary, run):
    """The purchase and spend models, or None each with the reason in the note. Each fit
    starts from the last run's parameters, which are usually close."""
    notes = []
    purchases = spend = None
    last = ScoringRun.objects.filter(status=ScoringRun.Status.DONE).exclude(pk=run.pk).first()
    before = last.fitted if last else {}
    try:
        purchases = analytics.BetaGeo().fit(summary, start=_params(before, "purchases", "bgnbd"))
        run.fitted["purchases"] = _described("bgnbd", purchases)
    except analytics.NotIdentified as error:
        notes.append(str(error))
    if purchases is not None:
        try:
            with warnings.catch_warnings():  # the repeat buyers left out are kept in the count below
                warnings.simplefilter("ignore", analytics.ZeroSpendWarning)
                spend = analytics.GammaGamma().fit(summary, start=_params(before, "spend", "gammagamma"))
            run.fitted["spend"] = _described("gammagamma", spend) | {"excluded_zero_spend": spend.excluded_}
        except analytics.NotIdentified as error:
            notes.append(str(error))
    return purchases, spend, " ".join(notes)


def _params(fitted, role, model):
    described = fitted.get(role) or {}
    return described.get("params") if described.get("model") == model else None


def _described(name, model):
    return {
        "model": name,
        "params": model.params_,
        "standard_errors": model.standard_errors_,
        "loglik": model.loglik_,
        "customers": model.customers_,
    }


def _scores(summary, purchases, spend, zone, run):
    table = None
    if purchases is not None:
        table = analytics.score(
            summary,
            purchases,
            spend,
            period=PERIOD,
            horizon=HORIZON_MONTHS,
            discount=settings.PATRON_CLV_DISCOUNT,
            purchases_within=PURCHASE_WEEKS,
        )
        predicted = table.select("p_alive", "expected_purchases", *(["clv"] if spend is not None else []))
        if not all(np.isfinite(predicted[c].to_numpy()).all() for c in predicted.columns):
            table = None  # a fit the predictions cannot use: RFM alone rather than nonsense
            run.note = " ".join(filter(None, [run.note, UNUSABLE]))
    if table is None:
        table = pl.concat([summary, analytics.rfm(summary)], how="horizontal")
    missing = [
        c
        for c in ("p_alive", "expected_purchases", "expected_spend", "clv", "value_decile")
        if c not in table.columns
    ]
    table = table.with_columns(pl.lit(None, dtype=pl.Float64).alias(c) for c in missing)
    local = [
        pl.col(c)
        .dt.replace_time_zone(zone, ambiguous="earliest")
        .dt.convert_time_zone("UTC")
        .alias(f"{c}_purchase")
        for c in ("first", "last")
    ]
    return table.select(
        pl.col("customer").alias("customer_id"),
        "purchases",
        pl.col("x").alias("repeat_purchases"),
        *local,
        pl.col("T").alias("weeks_observed"),
        "total_spend",
        "recency_score",
        "frequency_score",
        "monetary_score",
        "segment",
        "p_alive",
        (1 - pl.col("p_alive")).alias("churn_risk"),
        pl.col("expected_purchases").alias("expected_purchases_90d"),
        "expected_spend",
        "clv",
        "value_decile",
    )


def _finish(run, started, scores, *, note):
    run.status, run.note, run.customers = ScoringRun.Status.DONE, note, scores.height
    run.finished_at, run.seconds = timezone.now(), time.perf_counter() - started
    run.save()
    return run
