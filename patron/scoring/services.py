"""Scoring every customer: read the orders, summarise, fit, predict, store (`patron score`, the
nightly job and the job after each import all call `customers_score`)."""

import time
import warnings
from datetime import datetime
from decimal import Decimal

import numpy as np
import polars as pl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from patron import analytics
from patron.accounts.permissions import require
from patron.actors import as_actor
from patron.jobs.queue import queue_after_commit
from patron.jobs.single_run import join_or_queue, retire_stale
from patron.scoring.checks import model_checks
from patron.scoring.models import ACTIVE, CustomerScore, ScoringRun
from patron.scoring.reading import orders_frame
from patron.scoring.selectors import latest_run
from patron.scoring.writing import scores_replace
from patron.workspace.clock import business_today
from patron.workspace.services import get_workspace

PERIOD = "week"
HORIZON_MONTHS = 12
PURCHASE_WEEKS = 90 / 7
UNUSABLE = "The fitted model gives no finite prediction for some customers: only RFM is scored."
STAGES = ("read", "summarise", "fit", "predict", "write", "check")


# What a run saves as it ends: never `again`, which an import may set meanwhile.
OUTCOME = ["status", "note", "customers", "orders", "currency", "fitted", "finished_at", "seconds"]


class ScoringBusy(ValidationError):
    """A scoring run is already running; scoring here too would do the same work twice."""


def scoring_request(*, by, after_import=False) -> tuple[ScoringRun, bool]:
    """The run that will score every customer, and whether the request joined it.

    One run at a time (:mod:`patron.jobs.single_run`): a request while a run is queued or running
    joins it (True); otherwise a run is queued, recording ``by`` as who asked (staff, or the
    system in a job: patron.actors), and its job after the commit (False). An import's request
    (``after_import``) that finds a run already reading the orders asks it to run once more when
    it has finished, so the imported rows are scored.
    """
    from patron.scoring import jobs  # the job module imports this one

    require(by, "scoring.run_scoring")
    actor = as_actor(by)

    def join(active):
        if not after_import or active.status == ScoringRun.Status.QUEUED:
            return True
        # False: it finished meanwhile, and a new one is queued.
        return ScoringRun.objects.filter(pk=active.pk, status=ScoringRun.Status.RUNNING).update(again=True)

    def create():
        now = timezone.now()
        return ScoringRun.objects.create(
            status=ScoringRun.Status.QUEUED,
            started_at=now,
            heartbeat_at=now,
            currency=get_workspace().currency,
            **actor.columns("requested_by"),
        )

    run, joined = join_or_queue(ScoringRun.objects.filter(status__in=ACTIVE), create, join=join)
    if run is None:
        raise ScoringBusy(_("Scoring runs are starting and ending too fast to join one: try again."))
    if not joined:
        queue_after_commit(jobs.customers_score, run.pk, requested_by=actor.user_id)
        run.refresh_from_db()
    return run, joined


def _claim(run_id, actor):
    """The run to score in: queued run ``run_id`` (None: the queued one, or a new one asked by
    ``actor``), now running; None when that run was taken or retired meanwhile. ScoringBusy when
    a run is running."""
    now = timezone.now()
    retire_stale(ScoringRun.objects.filter(status__in=ACTIVE))
    queued = ScoringRun.objects.filter(status=ScoringRun.Status.QUEUED)
    if run_id is not None:
        queued = queued.filter(pk=run_id)
    for run in queued[:1]:
        taken = ScoringRun.objects.filter(pk=run.pk, status=ScoringRun.Status.QUEUED)
        if not taken.update(status=ScoringRun.Status.RUNNING, started_at=now, heartbeat_at=now):
            return None
        run.refresh_from_db()
        return run
    if run_id is not None:
        return None
    try:
        with transaction.atomic():
            return ScoringRun.objects.create(
                started_at=now,
                heartbeat_at=now,
                currency=get_workspace().currency,
                **actor.columns("requested_by"),
            )
    except IntegrityError:
        raise ScoringBusy(
            _("A scoring run is already running: it scores every customer, and its scores show when it ends.")
        ) from None


def customers_score(*, by, progress=None, run_id=None) -> ScoringRun | None:
    """Score every customer who has bought. ``by``: who asks (patron.actors), staff at
    `patron score`, or the system in a job (which scores in the run queued by who asked).

    In the queued run ``run_id`` (the job's; None when that run was taken or retired meanwhile),
    or else in the queued run if there is one, or a new one; ScoringBusy if one is running.
    `progress(stage)` is called as each of STAGES starts; the run is done, and its `seconds`
    counted, when the scores are written, before the model checks. When the data cannot identify the
    models (too few repeat buyers, too short a history), RFM is still scored and the run's
    note says why P(alive) and CLV are missing.
    """
    require(by, "scoring.run_scoring")
    workspace = get_workspace()
    started = time.perf_counter()
    run = _claim(run_id, as_actor(by))
    if run is None:
        return None
    run.currency = workspace.currency

    def step(stage):
        ScoringRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now())
        if progress is not None:
            progress(stage)

    try:
        step("read")
        orders = orders_frame()
        run.orders = orders.height
        if orders.height == 0:
            CustomerScore.objects.all().delete()
            return _finish(run, started, pl.DataFrame(), note="There are no orders to score.")
        step("summarise")
        zone = workspace.time_zone
        today = business_today(workspace)
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
        run.save(update_fields=OUTCOME)
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
        money = ["clv", "value_at_risk"] if spend is not None else []
        predicted = table.select("p_alive", "expected_purchases", *money)
        if not all(np.isfinite(predicted[c].to_numpy()).all() for c in predicted.columns):
            table = None  # a fit the predictions cannot use: RFM alone rather than nonsense
            run.note = " ".join(filter(None, [run.note, UNUSABLE]))
    if table is None:
        table = pl.concat([summary, analytics.rfm(summary)], how="horizontal")
    missing = [
        c
        for c in ("p_alive", "expected_purchases", "expected_spend", "clv", "value_at_risk", "value_decile")
        if c not in table.columns
    ]
    table = table.with_columns(pl.lit(None, dtype=pl.Float64).alias(c) for c in missing)
    # BG/NBD gives every one-time buyer P(alive) = 1: a customer can drop out only after a
    # repeat purchase (Fader, Hardie & Lee 2005; their note "Computing P(alive) using the
    # BG/NBD model": the term for dropping out is 0 when x = 0). For them the number measures
    # nothing and would read as "0% churn risk" beside a segment such as Lost, so it is
    # stored for repeat buyers only, and so is the value at risk that it weighs. Expected
    # purchases and CLV stay: the model's estimates.
    repeat = pl.col("x") > 0
    p_alive = pl.when(repeat).then(pl.col("p_alive"))
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
        p_alive.alias("p_alive"),
        (1 - p_alive).alias("churn_risk"),
        pl.col("expected_purchases").alias("expected_purchases_90d"),
        "expected_spend",
        "clv",
        pl.when(repeat).then(pl.col("value_at_risk")).alias("value_at_risk"),
        "value_decile",
    )


def scores_set_aside(customers) -> dict:
    """Delete the scores of `customers`, whose orders have just changed hands (a merge): a score
    counting orders a customer no longer has, or missing some they now have, would contradict
    their page. Returns what `scores_put_back` needs (JSON); the next run scores them afresh."""
    ids = sorted(customer.pk for customer in customers)
    scores = CustomerScore.objects.filter(customer_id__in=ids)
    rows = [{name: _stored(value) for name, value in row.items()} for row in scores.values()]
    scores.delete()
    return {"customers": ids, "rows": rows}


def scores_put_back(saved) -> None:
    """Undo `scores_set_aside`: each customer's score as it was, when no scoring run has replaced
    the scores since (one from an older run would not be ranked among today's). Otherwise, and
    for a score made since with orders that have now gone back, they wait for the next run."""
    CustomerScore.objects.filter(customer_id__in=saved["customers"]).delete()
    latest = latest_run()
    fields = {field.attname: field for field in CustomerScore._meta.concrete_fields}
    CustomerScore.objects.bulk_create(
        CustomerScore(**{name: fields[name].to_python(value) for name, value in row.items()})
        for row in saved["rows"]
        if latest is not None and row["run_id"] == latest.pk
    )


def _stored(value):
    """A score's value as JSON keeps it exactly: times to the microsecond, money as text."""
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value) if isinstance(value, Decimal) else value


def _finish(run, started, scores, *, note):
    run.status, run.note, run.customers = ScoringRun.Status.DONE, note, scores.height
    run.finished_at, run.seconds = timezone.now(), time.perf_counter() - started
    run.save(update_fields=OUTCOME)
    return run
