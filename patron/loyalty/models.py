"""The points ledger: append-only entries, the lots that earned points are kept in, and each
customer's cached balance.

Every entry moves whole points for one customer: earn, redeem, expire, adjust (either way) or
reverse (an earn taken back, or a redemption given back). An entry that adds points is a *lot*:
its ``remaining`` points are those not yet spent, expired or taken back, spendable from
``available_at`` (the pending period) until ``expires_at``. An entry that takes points records
which lots it took them from (:class:`Allocation`), so that expiry and reversals are exact; one
that gives them back (a redemption reversed) records the same lots with negative points.

Invariants, checked by ``patron loyalty check`` (ledger.ledger_check) and kept by
ledger.py in one transaction with the customer's Account row locked:

- an Account's ``points`` is the sum of its customer's entries' points, never below zero;
- a lot's ``remaining`` is its points less what allocations took from it, never below zero;
- an entry that takes points has allocations summing to what it took.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from patron.actors import ActorKind
from patron.constraints import one_of
from patron.customers.models import Customer


class Acted(models.Model):
    """Who made the row: staff, the customer or the system's job (patron.actors)."""

    # Not indexed: only deleting a user reads rows by it, and every earned point would pay for it.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    actor_kind = models.CharField(max_length=8, choices=ActorKind.choices)
    actor_job = models.CharField(max_length=100, blank=True)
    actor_customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Meta:
        abstract = True


class Account(models.Model):
    """A customer's points, all of them (pending included): the sum of their entries, kept in
    the same transaction as each entry. Its row is the lock that serialises what spends them."""

    customer = models.OneToOneField(
        Customer, on_delete=models.PROTECT, primary_key=True, related_name="loyalty_account"
    )
    points = models.BigIntegerField(_("points"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("points account")
        verbose_name_plural = _("points accounts")
        constraints = [
            models.CheckConstraint(condition=Q(points__gte=0), name="loyalty_account_not_negative")
        ]
        permissions = [
            ("redeem_points", "Can redeem a customer's points"),
            ("adjust_points", "Can adjust a customer's points"),
            ("manage_programme", "Can change the loyalty programme"),
        ]

    def __str__(self):
        return f"{self.customer_id}: {self.points}"


class EntryKind(models.TextChoices):
    EARN = "earn", _("Earned")
    REDEEM = "redeem", _("Redeemed")
    EXPIRE = "expire", _("Expired")
    ADJUST = "adjust", _("Adjusted")
    REVERSE = "reverse", _("Reversed")


class Entry(Acted):
    Kind = EntryKind

    # Indexed by loyalty_entry_customer below, which leads with the customer.
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="loyalty_entries", db_index=False
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    points = models.BigIntegerField(_("points"))
    # What made the entry: an order (earning, a redemption at the till, a reversal), the entry
    # it reverses, and the words staff gave (an adjustment's reason, a redemption's).
    # Both indexed below, where they are set.
    order = models.ForeignKey(
        "sales.Order",
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    reverses = models.ForeignKey(
        "self",
        verbose_name=_("reverses"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversals",
        db_index=False,
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    # A reversal of earned points that the balance could no longer cover (they were spent and
    # nothing is left): the points not taken back, since a balance never goes below zero.
    shortfall = models.BigIntegerField(_("points not taken back"), default=0)
    # Unique (loyalty_entry_key_unique): the same request, order event or nightly run made twice
    # makes one entry.
    key = models.CharField(_("idempotency key"), max_length=200)
    # What the request that made it asked, hashed: the same key with another request is refused.
    fingerprint = models.CharField(max_length=64, blank=True)
    # A lot (points > 0, but a redemption given back): what is left of it, and when it can be spent.
    remaining = models.BigIntegerField(_("points left"), default=0)
    available_at = models.DateTimeField(_("available from"))
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        # Each earned point pays for every index of its entry (an import earns millions at once),
        # so there are few: a customer's lots are found among their entries by the first.
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="loyalty_entry_customer"),
            # The lots the nightly expiry reads: only those with points left.
            models.Index(fields=["expires_at"], name="loyalty_entry_expiring", condition=Q(remaining__gt=0)),
            models.Index(fields=["order"], name="loyalty_entry_order", condition=Q(order__isnull=False)),
            models.Index(
                fields=["reverses"], name="loyalty_entry_reverses", condition=Q(reverses__isnull=False)
            ),
            # The reversals a tier by points reads each night (patron.loyalty.tiers); the earn
            # entries it reads have a covering index on PostgreSQL (migration 0003).
            models.Index(
                fields=["customer", "created_at"], name="loyalty_entry_reversed", condition=Q(kind="reverse")
            ),
        ]
        constraints = [
            # A constraint rather than unique=True, which on PostgreSQL adds a second index for
            # LIKE that nothing asks and every earned point would pay for.
            models.UniqueConstraint(fields=["key"], name="loyalty_entry_key_unique"),
            models.CheckConstraint(
                condition=one_of("kind", EntryKind.values), name="loyalty_entry_kind_known"
            ),
            # A reversal that could take nothing back records its shortfall with 0 points.
            models.CheckConstraint(
                condition=~Q(points=0) | Q(kind="reverse", shortfall__gt=0), name="loyalty_entry_moves_points"
            ),
            models.CheckConstraint(
                condition=Q(remaining=0) | Q(remaining__gt=0, remaining__lte=F("points")),
                name="loyalty_entry_remaining_within_points",
            ),
            models.CheckConstraint(
                condition=Q(kind="earn", points__gt=0)
                | Q(kind="redeem", points__lt=0)
                | Q(kind="expire", points__lt=0)
                | Q(kind="adjust")
                | Q(kind="reverse"),
                name="loyalty_entry_sign_of_kind",
            ),
            models.CheckConstraint(
                condition=Q(shortfall__gte=0), name="loyalty_entry_shortfall_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.customer_id} {self.kind} {self.points}"


class Allocation(models.Model):
    """Points an entry took from a lot (``points`` > 0), or gave back to it (< 0)."""

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="allocations")
    lot = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="+", db_index=False)
    points = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["lot"], name="loyalty_allocation_lot")]
        constraints = [models.CheckConstraint(condition=~Q(points=0), name="loyalty_allocation_moves_points")]

    def __str__(self):
        return f"{self.entry_id} <- {self.lot_id}: {self.points}"


class Programme(models.Model):
    """The workspace's one loyalty programme (pk 1, made on first use): how points are earned,
    when they can be spent and when they expire, and what one is worth when redeemed.

    Points earned on an order: its total in the base currency times ``points_per_unit`` times
    the multipliers that apply (EarnRule, the customer's tier, a birthday month), rounded down
    to a whole point (ledger amounts are whole points; rounding down never hands out a point
    that was not earned), in Decimal arithmetic."""

    class TierBasis(models.TextChoices):
        SPEND = "spend", _("Spend in the qualification period")
        POINTS = "points", _("Points earned in the qualification period")
        VALUE = "value", _("Predicted lifetime value")

    active = models.BooleanField(_("running"), default=False)
    name = models.CharField(_("name"), max_length=100, default="", blank=True)
    points_per_unit = models.DecimalField(
        _("points per unit of base currency"), max_digits=12, decimal_places=4, default=1
    )
    pending_days = models.PositiveSmallIntegerField(_("days before earned points can be spent"), default=0)
    expiry_months = models.PositiveSmallIntegerField(
        _("months after earning that points expire"), null=True, blank=True
    )
    expires_on = models.DateField(_("date on which all points expire"), null=True, blank=True)
    point_value = models.DecimalField(
        _("value of one point in base currency"), max_digits=12, decimal_places=4, default=0
    )
    first_purchase_bonus = models.PositiveIntegerField(_("bonus points for a first purchase"), default=0)
    birthday_multiplier = models.DecimalField(
        _("points multiplier in the birthday month"), max_digits=6, decimal_places=2, default=1
    )
    referral_bonus = models.PositiveIntegerField(_("bonus points for a referral"), default=0)
    tier_basis = models.CharField(
        _("tiers are reached by"), max_length=8, choices=TierBasis.choices, default=TierBasis.SPEND
    )
    tier_months = models.PositiveSmallIntegerField(_("qualification period in months"), default=12)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("loyalty programme")
        verbose_name_plural = _("loyalty programmes")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="loyalty_programme_one"),
            models.CheckConstraint(condition=Q(points_per_unit__gte=0), name="loyalty_programme_rate"),
            models.CheckConstraint(condition=Q(point_value__gte=0), name="loyalty_programme_point_value"),
            models.CheckConstraint(
                condition=Q(birthday_multiplier__gte=0), name="loyalty_programme_birthday"
            ),
            models.CheckConstraint(
                condition=one_of("tier_basis", ["spend", "points", "value"]),
                name="loyalty_programme_tier_basis",
            ),
        ]

    def __str__(self):
        return self.name or "programme"


class EarnRule(models.Model):
    """A multiplier for order lines of a product category or SKU (2 = double points)."""

    class Applies(models.TextChoices):
        CATEGORY = "category", _("Product category")
        SKU = "sku", _("SKU")

    applies_to = models.CharField(_("applies to"), max_length=8, choices=Applies.choices)
    value = models.CharField(_("category or SKU"), max_length=100)
    multiplier = models.DecimalField(_("multiplier"), max_digits=6, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("earning rule")
        verbose_name_plural = _("earning rules")
        constraints = [
            models.UniqueConstraint(fields=["applies_to", "value"], name="loyalty_earn_rule_once"),
            models.CheckConstraint(condition=Q(multiplier__gte=0), name="loyalty_earn_rule_multiplier"),
            models.CheckConstraint(
                condition=one_of("applies_to", ["category", "sku"]), name="loyalty_earn_rule_applies"
            ),
        ]

    def __str__(self):
        return f"{self.applies_to} {self.value} x{self.multiplier}"


class Referral(Acted):
    """``referrer`` brought ``referred``: the referrer earns the programme's referral bonus once,
    when the referred customer's first order completes (``paid`` names that entry)."""

    referrer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="referrals_made")
    referred = models.OneToOneField(Customer, on_delete=models.PROTECT, related_name="referred_by")
    created_at = models.DateTimeField(auto_now_add=True)
    paid = models.OneToOneField(Entry, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(condition=~Q(referrer=F("referred")), name="loyalty_referral_not_self")
        ]

    def __str__(self):
        return f"{self.referrer_id} -> {self.referred_id}"


class Tier(models.Model):
    """A level of the programme (Member, Silver, Gold, Platinum): reached at ``threshold`` of the
    programme's tier basis; its members earn ``multiplier`` times the points, and get a coupon of
    ``upgrade_batch`` when they reach it."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    threshold = models.DecimalField(_("reached at"), max_digits=18, decimal_places=4, unique=True)
    multiplier = models.DecimalField(_("points multiplier"), max_digits=6, decimal_places=2, default=1)
    upgrade_batch = models.ForeignKey(
        "CouponBatch",
        verbose_name=_("coupon on upgrade"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        ordering = ["threshold"]
        constraints = [
            models.CheckConstraint(condition=Q(threshold__gte=0), name="loyalty_tier_threshold"),
            models.CheckConstraint(condition=Q(multiplier__gte=0), name="loyalty_tier_multiplier"),
        ]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A customer's tier now (None: below the first), since when, and until when it is kept
    whatever they do (the end of the qualification period: a downgrade waits for it)."""

    customer = models.OneToOneField(
        Customer, on_delete=models.PROTECT, primary_key=True, related_name="loyalty_membership"
    )
    tier = models.ForeignKey(Tier, null=True, blank=True, on_delete=models.PROTECT, related_name="members")
    since = models.DateTimeField(_("since"))
    kept_until = models.DateTimeField(_("kept until"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        return f"{self.customer_id}: {self.tier_id}"


class TierChange(Acted):
    """Every move between tiers, with its reason in words and who or what made it."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="tier_changes")
    from_tier = models.ForeignKey(Tier, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_tier = models.ForeignKey(Tier, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=500)
    changed_at = models.DateTimeField(_("changed"))

    class Meta:
        verbose_name = _("tier change")
        verbose_name_plural = _("tier changes")
        indexes = [models.Index(fields=["customer", "-changed_at"], name="loyalty_tier_change_customer")]

    def __str__(self):
        return f"{self.customer_id}: {self.from_tier_id} -> {self.to_tier_id}"


class CouponBatch(models.Model):
    """Codes made together, with one set of rules: how often each may be used, when, above
    what spend, and by whom (``segment``: a customer filter in its JSON form, as
    customers.filters reads it; empty for everyone)."""

    class Use(models.TextChoices):
        SINGLE = "single", _("Once")
        LIMITED = "limited", _("A set number of times")
        PER_CUSTOMER = "per_customer", _("Once per customer")

    name = models.CharField(_("name"), max_length=100)
    benefit = models.CharField(_("benefit"), max_length=200)
    use = models.CharField(_("use"), max_length=12, choices=Use.choices)
    max_uses = models.PositiveIntegerField(_("uses per code"), null=True, blank=True)
    valid_from = models.DateTimeField(_("valid from"), null=True, blank=True)
    valid_to = models.DateTimeField(_("valid until"), null=True, blank=True)
    min_spend = models.DecimalField(
        _("minimum spend"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    segment = models.JSONField(_("for customers"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("coupon batch")
        verbose_name_plural = _("coupon batches")
        constraints = [
            models.CheckConstraint(
                condition=one_of("use", ["single", "limited", "per_customer"]), name="loyalty_batch_use"
            ),
            models.CheckConstraint(
                condition=~Q(use="limited") | Q(max_uses__gte=1), name="loyalty_batch_limited_has_limit"
            ),
        ]

    def __str__(self):
        return self.name


class Coupon(models.Model):
    """One code; ``customer`` when it was given to one customer (an upgrade's coupon).
    ``uses`` counts its uses not given back, kept with each use under the code's row lock."""

    batch = models.ForeignKey(CouponBatch, on_delete=models.PROTECT, related_name="coupons")
    code = models.CharField(_("code"), max_length=40, unique=True)
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.PROTECT, related_name="coupons"
    )
    uses = models.PositiveIntegerField(_("uses"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("coupon")
        verbose_name_plural = _("coupons")

    def __str__(self):
        return self.code


class CouponUse(Acted):
    """A use of a coupon by a customer, on an order or at the counter; given back when the
    order is cancelled (``given_back_at``)."""

    coupon = models.ForeignKey(Coupon, on_delete=models.PROTECT, related_name="used")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="coupon_uses")
    order = models.ForeignKey(
        "sales.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    used_at = models.DateTimeField(_("used"))
    given_back_at = models.DateTimeField(_("given back"), null=True, blank=True)

    class Meta:
        verbose_name = _("coupon use")
        verbose_name_plural = _("coupon uses")

    def __str__(self):
        return f"{self.coupon_id} by {self.customer_id}"


class Card(models.Model):
    """A member's benefit card: a member number that a shop scans (QR) or types at the counter."""

    customer = models.OneToOneField(Customer, on_delete=models.PROTECT, related_name="loyalty_card")
    number = models.CharField(_("member number"), max_length=20, unique=True)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)

    class Meta:
        verbose_name = _("benefit card")
        verbose_name_plural = _("benefit cards")

    def __str__(self):
        return self.number


class LiabilityExport(models.Model):
    """Each export of the liability figures for the finance team: who, when, in which format
    and how many months it held (liability.liability_export)."""

    file_format = models.CharField(_("format"), max_length=4)
    months = models.PositiveSmallIntegerField(_("months"))
    at = models.DateTimeField(_("when"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_kind = models.CharField(max_length=8, choices=ActorKind.choices)
    actor_job = models.CharField(max_length=100, blank=True)
    # The figures exported are those kept (LiabilitySnapshot), computed at this moment.
    figures_as_of = models.DateTimeField(_("figures as of"), null=True, blank=True)

    class Meta:
        verbose_name = _("liability export")
        verbose_name_plural = _("liability exports")
        ordering = ["-at", "-id"]
        permissions = [("export_liability", "Can export the points liability")]
        constraints = [
            models.CheckConstraint(
                condition=one_of("file_format", ["csv", "xlsx"]), name="loyalty_export_format"
            )
        ]

    def __str__(self):
        return f"{self.file_format} {self.at:%Y-%m-%d %H:%M}"


class LiabilitySnapshot(models.Model):
    """The loyalty page's figures (liability.Figures as JSON, amounts as text), one row,
    computed at ``as_of`` (None: never yet) for the state of the data named by ``key`` (see
    liability_snapshot.freshness), in ``seconds``. ``refreshing_at``: when a job was queued
    to compute them afresh. Read by the page and the export alike."""

    key = models.CharField(max_length=200)
    figures = models.JSONField(default=dict)
    as_of = models.DateTimeField(null=True)
    seconds = models.FloatField(default=0)
    refreshing_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("liability figures")
        verbose_name_plural = _("liability figures")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="loyalty_liability_snapshot_one")]

    def __str__(self):
        return f"{self.as_of} {self.key}"
