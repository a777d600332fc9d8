"""Scores of every customer from the last scoring run, and the runs with their fitted models."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from patron.actors import ActorKind
from patron.constraints import one_of
from patron.customers.models import Customer


class Segment(models.TextChoices):
    CHAMPIONS = "champions", _("Champions")
    LOYAL = "loyal", _("Loyal")
    POTENTIAL_LOYALIST = "potential_loyalist", _("Potential loyalist")
    NEW = "new", _("New")
    PROMISING = "promising", _("Promising")
    NEED_ATTENTION = "need_attention", _("Need attention")
    ABOUT_TO_SLEEP = "about_to_sleep", _("About to sleep")
    AT_RISK = "at_risk", _("At risk")
    CANT_LOSE = "cant_lose", _("Can't lose")
    HIBERNATING = "hibernating", _("Hibernating")
    LOST = "lost", _("Lost")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


ACTIVE = ("queued", "running")


class ScoringRun(models.Model):
    """One scoring of every customer. At most one is queued or running (a constraint); a request
    made meanwhile joins that one (see ``services.scoring_request``)."""

    # Declared above, where Meta's constraints can see it; ScoringRun.Status as before.
    Status = RunStatus

    # When it was queued, then when it started.
    started_at = models.DateTimeField(_("started"))
    # Last sign of life: set when queued and at every stage; an active run silent for
    # patron.jobs.single_run.STALE_AFTER is taken as dead, so that it does not block new runs for ever.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    # An import finished while this run was reading: run again once it is done.
    again = models.BooleanField(default=False)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.RUNNING)
    customers = models.PositiveIntegerField(_("customers scored"), default=0)
    orders = models.PositiveIntegerField(_("orders read"), default=0)
    currency = models.CharField(_("currency"), max_length=3)
    # The models as fitted: {"purchases": {"model", "params", "standard_errors", "loglik"}, "spend": {...}}.
    # Empty when the data could not identify them (then `note` says why and only RFM is scored).
    fitted = models.JSONField(_("fitted models"), default=dict)
    # The model checks (see checks.py): tracking curve and calibration against holdout.
    checks = models.JSONField(_("model checks"), default=dict)
    note = models.TextField(_("note"), blank=True)
    seconds = models.FloatField(_("seconds"), default=0)
    # Who asked (patron.actors): staff on the page, the API or `patron score` (requested_by), or
    # the system in a job (actor_job: nightly, after an import; requested_by None when scheduled).
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("asked by"),
    )
    actor_kind = models.CharField(_("asked by"), max_length=8, choices=ActorKind.choices)
    actor_job = models.CharField(_("job"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("scoring run")
        verbose_name_plural = _("scoring runs")
        ordering = ["-started_at"]
        permissions = [("run_scoring", _("Can score customers"))]
        constraints = [
            models.UniqueConstraint(
                models.Value(True), condition=models.Q(status__in=ACTIVE), name="one_active_scoring_run"
            ),
            models.CheckConstraint(
                condition=one_of("status", RunStatus.values), name="scoring_run_status_known"
            ),
            models.CheckConstraint(
                condition=one_of("actor_kind", ActorKind.values), name="scoring_run_actor_kind_known"
            ),
        ]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.status}"


class CustomerScore(models.Model):
    """One row per customer who has bought, replaced by every run. Times are in weeks."""

    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, primary_key=True, related_name="score"
    )
    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="scores")
    purchases = models.PositiveIntegerField(_("purchases"))
    repeat_purchases = models.PositiveIntegerField(_("repeat purchases"))
    first_purchase = models.DateTimeField(_("first purchase"))
    last_purchase = models.DateTimeField(_("last purchase"))
    weeks_observed = models.FloatField()
    total_spend = models.DecimalField(_("total spend"), max_digits=18, decimal_places=4)
    recency_score = models.PositiveSmallIntegerField(_("recency score"))
    frequency_score = models.PositiveSmallIntegerField(_("frequency score"))
    monetary_score = models.PositiveSmallIntegerField(_("monetary score"))
    segment = models.CharField(_("segment"), max_length=20, choices=Segment.choices)
    # Null when the run could not fit the models. p_alive and churn_risk are null for one-time
    # buyers too (see services._scores). value_decile: 1 is the most valuable tenth.
    p_alive = models.FloatField(_("probability still active"), null=True)
    churn_risk = models.FloatField(_("churn risk"), null=True)
    expected_purchases_90d = models.FloatField(_("expected purchases in 90 days"), null=True)
    expected_spend = models.DecimalField(
        _("expected spend per purchase"), max_digits=18, decimal_places=4, null=True
    )
    clv = models.DecimalField(_("lifetime value (12 months)"), max_digits=18, decimal_places=4, null=True)
    # The CLV the customer would have if still active, times their churn risk (analytics.value).
    value_at_risk = models.DecimalField(_("value at risk"), max_digits=18, decimal_places=4, null=True)
    value_decile = models.PositiveSmallIntegerField(_("value decile"), null=True)

    class Meta:
        verbose_name = _("customer score")
        verbose_name_plural = _("customer scores")
        indexes = [
            models.Index(fields=["segment", "-clv"], name="score_segment_clv"),
            models.Index(fields=["-clv"], name="score_clv"),
            models.Index(fields=["-churn_risk"], name="score_churn"),
            models.Index(fields=["-value_at_risk"], name="score_value_at_risk"),
        ]
        # Null where there is no prediction (see above). A NaN is refused on PostgreSQL, which
        # orders it above 1; SQLite stores it as null.
        constraints = [
            models.CheckConstraint(condition=one_of("segment", Segment.values), name="score_segment_known"),
            models.CheckConstraint(
                condition=models.Q(recency_score__range=(1, 5)), name="score_recency_1_to_5"
            ),
            models.CheckConstraint(
                condition=models.Q(frequency_score__range=(1, 5)), name="score_frequency_1_to_5"
            ),
            models.CheckConstraint(
                condition=models.Q(monetary_score__range=(1, 5)), name="score_monetary_1_to_5"
            ),
            models.CheckConstraint(
                condition=models.Q(p_alive__isnull=True) | models.Q(p_alive__range=(0, 1)),
                name="score_p_alive_0_to_1",
            ),
            models.CheckConstraint(
                condition=models.Q(churn_risk__isnull=True) | models.Q(churn_risk__range=(0, 1)),
                name="score_churn_risk_0_to_1",
            ),
            models.CheckConstraint(
                condition=models.Q(value_decile__isnull=True) | models.Q(value_decile__range=(1, 10)),
                name="score_value_decile_1_to_10",
            ),
        ]

    def __str__(self):
        return f"{self.customer_id} {self.segment} {self.rfm}"

    @property
    def rfm(self):
        return f"{self.recency_score}{self.frequency_score}{self.monetary_score}"
