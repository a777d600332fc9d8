"""The loyalty ladder: its rules, each customer's stage with the evidence that placed them, the
moves between stages, and the evidence staff record by hand.

A customer without a Standing is a prospect with no evidence: the derivation keeps rows only
for customers with evidence (or a stage above prospect), so a million customers who never
bought cost nothing. StageCount and MonthMoves are the ladder page's figures, kept by the
derivation as it writes (see derivation.py), so the page reads a dozen rows, never a million.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from patron.customers.models import Customer


class Stage(models.IntegerChoices):
    """The ladder's stages, in ascending order of loyalty (seed 000)."""

    PROSPECT = 0, pgettext_lazy("ladder stage", "Prospect")
    CUSTOMER = 1, pgettext_lazy("ladder stage", "Customer")
    CLIENT = 2, pgettext_lazy("ladder stage", "Client")
    SUPPORTER = 3, pgettext_lazy("ladder stage", "Supporter")
    ADVOCATE = 4, pgettext_lazy("ladder stage", "Advocate")
    PARTNER = 5, pgettext_lazy("ladder stage", "Partner")

    @property
    def code(self):
        return self.name.lower()

    @classmethod
    def from_code(cls, code):
        return cls[code.upper()]


MAX_WINDOW_MONTHS = 120
MAX_COUNT = 1000
# The rules as installed (issue 18, seed 000), migrated into Rule (0002_default_rules) and
# standing in for a stage whose row is missing: (stage, codes, min_count, window_months).
DEFAULT_RULES = [
    (1, ["purchase"], 1, None),  # customer: one purchase
    (2, ["repeat_purchase"], 2, 12),  # client: two or more repeat purchases within 12 months
    (3, ["survey_positive", "compliment"], 1, None),  # supporter
    (4, ["referral", "review"], 1, None),  # advocate
    (5, ["contract", "idea", "partner_org"], 1, None),  # partner
]


class Rule(models.Model):
    """What places a customer at ``stage``: at least ``min_count`` pieces of evidence of any of
    ``codes`` (added up), within the last ``window_months`` months (None: ever). Prospect has
    no rule: it is where everyone starts."""

    stage = models.PositiveSmallIntegerField(_("stage"), choices=Stage.choices, unique=True)
    codes = models.JSONField(_("evidence"), default=list)
    min_count = models.PositiveIntegerField(
        _("at least"), default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_COUNT)]
    )
    window_months = models.PositiveSmallIntegerField(
        _("within months"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_WINDOW_MONTHS)],
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed"), null=True, blank=True)

    class Meta:
        verbose_name = _("ladder rule")
        verbose_name_plural = _("ladder rules")
        ordering = ["stage"]
        constraints = [
            models.CheckConstraint(condition=models.Q(stage__gte=1, stage__lte=5), name="ladder_rule_stage")
        ]

    def __str__(self):
        return str(Stage(self.stage).label)

    @classmethod
    def current(cls):
        """The rules, customer to partner: each stage's stored rule, or its default."""
        stored = {rule.stage: rule for rule in cls.objects.select_related("changed_by")}
        return [
            stored.get(stage) or cls(stage=stage, codes=codes, min_count=count, window_months=window)
            for stage, codes, count, window in DEFAULT_RULES
        ]


class RuleChange(models.Model):
    """A rule as an Admin left it: who changed it, when, and to what."""

    stage = models.PositiveSmallIntegerField(_("stage"), choices=Stage.choices)
    codes = models.JSONField(_("evidence"), default=list)
    min_count = models.PositiveIntegerField(_("at least"))
    window_months = models.PositiveSmallIntegerField(_("within months"), null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    changed_at = models.DateTimeField(_("changed"), auto_now_add=True)

    class Meta:
        verbose_name = _("ladder rule change")
        verbose_name_plural = _("ladder rule changes")
        ordering = ["-changed_at", "-id"]

    def __str__(self):
        return f"{Stage(self.stage).label} ({self.changed_at:%Y-%m-%d})"


class Standing(models.Model):
    """A customer's stage, and the evidence it was derived from.

    ``evidence`` is JSON text, written by the derivation in one canonical form (so an unchanged
    standing is found by comparing text): {code: {"n": all pieces, "at": the latest, as an ISO
    date, "w": {months: pieces within that many months}}} for each code with evidence, the
    windows being those the rules name for the code. ``missing``: how many more pieces of
    evidence the next stage's rule needs (None at the top, or when the next rule cannot be met
    by counting, e.g. it names no code), so "one step from the next stage" is missing = 1.
    """

    customer = models.OneToOneField(
        Customer,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="ladder",
        verbose_name=_("customer"),
    )
    stage = models.PositiveSmallIntegerField(_("stage"), choices=Stage.choices, default=Stage.PROSPECT)
    evidence = models.TextField(default="{}")
    missing = models.PositiveIntegerField(null=True, blank=True)
    derived_at = models.DateTimeField(_("derived"))

    class Meta:
        verbose_name = _("ladder standing")
        verbose_name_plural = _("ladder standings")
        indexes = [models.Index(fields=["stage", "missing", "customer"], name="ladder_stage_missing")]

    def __str__(self):
        return f"{self.customer_id}: {Stage(self.stage).label}"


class Move(models.Model):
    """A customer moved from one stage to another: when, and why (new or lost evidence, or the
    rules changed); ``count``: the pieces of evidence the rule of the higher of the two stages
    counted at the time."""

    class Why(models.TextChoices):
        EVIDENCE = "evidence", _("Evidence changed")
        RULES = "rules", _("Rules changed")

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="ladder_moves", db_index=False
    )
    from_stage = models.PositiveSmallIntegerField(_("from"), choices=Stage.choices)
    to_stage = models.PositiveSmallIntegerField(_("to"), choices=Stage.choices)
    at = models.DateTimeField(_("when"))
    why = models.CharField(_("why"), max_length=10, choices=Why.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("ladder move")
        verbose_name_plural = _("ladder moves")
        indexes = [models.Index(fields=["customer", "-at"], name="ladder_move_customer")]

    def __str__(self):
        return f"{self.customer_id}: {Stage(self.from_stage).label} -> {Stage(self.to_stage).label}"


class StageCount(models.Model):
    """How many customers stand at ``stage`` (the funnel), as of the derivations so far."""

    stage = models.PositiveSmallIntegerField(primary_key=True, choices=Stage.choices)
    customers = models.BigIntegerField(default=0)

    def __str__(self):
        return f"{Stage(self.stage).label}: {self.customers}"


class MonthMoves(models.Model):
    """How many moves went up and down the ladder in the month beginning on ``month`` (UTC)."""

    month = models.DateField(primary_key=True)
    up = models.BigIntegerField(default=0)
    down = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["-month"]

    def __str__(self):
        return f"{self.month:%Y-%m}: +{self.up} -{self.down}"


class HandEvidence(models.Model):
    """Evidence staff record by hand: a contract signed, an idea the customer helped make, a
    review or compliment or referral seen outside Patron; dated the day it happened."""

    class Kind(models.TextChoices):
        CONTRACT = "contract", _("Contract")
        IDEA = "idea", _("Co-created idea")
        REVIEW = "review", _("Public review")
        COMPLIMENT = "compliment", _("Compliment")
        REFERRAL = "referral", _("Referral")

    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="ladder_evidence",
        db_index=False,
        verbose_name=_("customer"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    at = models.DateTimeField(_("when"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence recorded by hand")
        verbose_name_plural = _("evidence recorded by hand")
        indexes = [models.Index(fields=["customer", "kind", "at"], name="ladder_hand_customer")]
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.customer_id}: {self.get_kind_display()}"
