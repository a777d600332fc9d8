"""Points an order earns, and takes back when it is cancelled, refunded or returned: the one
service every order path goes through (the order form, the API, imports), subscribed to the
order events (patron.sales.events) in LoyaltyConfig.ready().

How many points (:func:`order_points`), in Decimal arithmetic, never a float:

    order total in base currency (Order.total_base) x programme.points_per_unit
    x the lines' multiplier x the tier's multiplier x the birthday multiplier

rounded DOWN to a whole point (the ledger holds whole points; rounding down never hands out a
point that was not earned: 99.99 points earn 99). The lines' multiplier is the average of the
earning rules' multipliers (EarnRule: by SKU, else by product category, else 1) weighted by each
line's share of the order (unit_price x quantity); an order without lines, or whose lines add up
to 0, earns at the base rate. The tier's multiplier is the customer's Membership tier's (1 with
none); the birthday multiplier applies when the order was placed, in the workspace's time zone,
in the customer's birthday month.

Bonuses, each an entry of its own tied to the order: the first-purchase bonus on the customer's
first completed order (once per customer, ever), and the referral bonus, paid to the referrer
(models.Referral) when the referred customer's first completed order earns (once per referral).

Every entry of an order is spendable from ``placed_at`` + ``pending_days`` (the returns window)
and expires ``expiry_months`` after ``placed_at``, or at the start of ``expires_on`` in the
workspace's time zone, or never. Only completed orders earn, only while the programme runs.

Each entry's key names its cause ("order:<id>:earn", "customer:<id>:first-purchase",
"referral:<id>"), unique in the database: an order told twice, or imported twice, earns once.

Taking back (whether or not the programme runs):

- an order cancelled or refunded takes back every entry it earned (ledger.earn_reverse: what was
  spent of them is taken from the customer's other points, what even those cannot cover is the
  entry's shortfall; the balance never goes below zero), and gives back every redemption made on
  it (ledger.redemption_reverse);
- a return (an Order with ``return_of``) takes back each earned entry's points x returned /
  order total, and gives back the same share of a redemption on the order. The share is counted
  on what the order's returns add up to so far, each side rounded down, so that returns in parts
  add up to exactly what the order earned once it is returned in full;
- every reversal's key names its earn entry (and the return): told twice, it reverses once.
"""

from datetime import datetime, time
from decimal import Context, Decimal, Inexact, localcontext

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from patron.accounts.permissions import require
from patron.actors import as_actor
from patron.loyalty.ledger import Earning, earn_reverse, points_earn, points_earn_many, redemption_reverse
from patron.loyalty.models import EarnRule, Entry, Membership, Referral
from patron.loyalty.programme import programme_get
from patron.sales.models import Order
from patron.workspace.clock import business_zone
from patron.workspace.services import get_workspace

Status = Order.Status
BATCH = 1000
# Wide enough that every product of the columns' digits is exact; Inexact would raise.
_EXACT = Context(prec=200, traps=[Inexact])


class Rules:
    """What earning reads once for many orders: the programme, its earning rules, the workspace."""

    def __init__(self):
        self.programme = programme_get()
        self.workspace = get_workspace()
        self.zone = business_zone(self.workspace)
        rules = EarnRule.objects.values_list("applies_to", "value", "multiplier")
        self.by_sku = {value: mult for kind, value, mult in rules if kind == EarnRule.Applies.SKU}
        self.by_category = {value: mult for kind, value, mult in rules if kind == EarnRule.Applies.CATEGORY}

    def line_multiplier(self, product):
        if product.sku in self.by_sku:
            return self.by_sku[product.sku]
        return self.by_category.get(product.category, Decimal(1)) if product.category else Decimal(1)


def order_points(order, rules=None, *, tier_multiplier=None) -> int:
    """The points ``order`` earns by the programme's rate and multipliers, bonuses aside, rounded
    down to a whole point (see the module's docstring); 0 for an order that earns nothing."""
    rules = rules or Rules()
    programme = rules.programme
    if tier_multiplier is None:
        tier_multiplier = _tier_multiplier(order.customer_id)
    birthday = order.customer.birthday
    placed = order.placed_at.astimezone(rules.zone)
    birthday_multiplier = programme.birthday_multiplier if birthday and birthday.month == placed.month else 1
    weighted, whole = Decimal(0), Decimal(0)
    with localcontext(_EXACT):
        for line in order.lines.all():
            share = line.unit_price * line.quantity
            weighted += share * rules.line_multiplier(line.product)
            whole += share
        if not whole:
            weighted = whole = Decimal(1)  # no lines, or lines of 0: the base rate
        points = order.total_base * programme.points_per_unit * tier_multiplier * birthday_multiplier
        # // of two positive Decimals drops the fraction: rounded down, exactly.
        return int((points * weighted) // whole)


def order_earn(*, order, by, rules=None, tier_multiplier=None):
    """Earn what ``order`` earns (its points and any first-purchase and referral bonus), once:
    nothing when it was earned already, is not a completed order, or the programme is not
    running. Returns the entries made."""
    rules = rules or Rules()
    programme = rules.programme
    if not programme.active or order.status != Status.COMPLETED or order.return_of_id:
        return []
    actor = as_actor(by)
    when = {"available_at": _available_at(order, programme), "expires_at": _expires_at(order, rules)}
    made = []
    with transaction.atomic():
        points = order_points(order, rules, tier_multiplier=tier_multiplier)
        if points > 0:
            made.append(
                points_earn(
                    customer=order.customer_id,
                    points=points,
                    key=f"order:{order.pk}:earn",
                    by=actor,
                    order=order,
                    **when,
                )
            )
        # Asked only when a bonus is on: an import of millions of orders pays nothing for it.
        bonuses = programme.first_purchase_bonus or programme.referral_bonus
        if bonuses and _first_completed(order):
            if programme.first_purchase_bonus:
                made.append(
                    points_earn(
                        customer=order.customer_id,
                        points=programme.first_purchase_bonus,
                        key=f"customer:{order.customer_id}:first-purchase",
                        by=actor,
                        order=order,
                        **when,
                    )
                )
            referral = (
                programme.referral_bonus
                and Referral.objects.filter(referred=order.customer_id, paid=None).first()
            )
            if referral:
                entry, created = points_earn(
                    customer=referral.referrer_id,
                    points=programme.referral_bonus,
                    key=f"referral:{referral.pk}",
                    by=actor,
                    order=order,
                    **when,
                )
                Referral.objects.filter(pk=referral.pk, paid=None).update(paid=entry)
                made.append((entry, created))
    return [entry for entry, created in made if created]


def order_reverse(*, order, by):
    """Take back all that ``order`` (cancelled or refunded) earned and give back all that was
    redeemed on it; what was reversed before is not reversed again. Returns the entries made."""
    actor = as_actor(by)
    made = []
    with transaction.atomic():
        for earn in Entry.objects.filter(order=order, kind=Entry.Kind.EARN).order_by("pk"):
            made.append(
                earn_reverse(
                    earn=earn, points=earn.points, key=f"order:{order.pk}:reverse:{earn.pk}", by=actor
                )
            )
        for spent in Entry.objects.filter(order=order, kind=Entry.Kind.REDEEM).order_by("pk"):
            made.append(
                redemption_reverse(redemption=spent, key=f"order:{order.pk}:give-back:{spent.pk}", by=actor)
            )
    return [entry for entry, created in made if created]


def return_reverse(*, ret, by):
    """Take back the share of its order's points that the return ``ret`` gives back (see the
    module's docstring), and give back the same share of any redemption on the order."""
    actor = as_actor(by)
    order = Order.objects.get(pk=ret.return_of_id)
    if order.total <= 0:
        return []
    earlier = Order.objects.filter(return_of=order, pk__lt=ret.pk).aggregate(amount=Sum("total"))["amount"]
    before = earlier or Decimal(0)
    after = min(before + ret.total, order.total)

    def share(points):
        with localcontext(_EXACT):
            return int((points * after) // order.total) - int((points * before) // order.total)

    made = []
    with transaction.atomic():
        for earn in Entry.objects.filter(order=order, kind=Entry.Kind.EARN).order_by("pk"):
            if points := share(earn.points):
                key = f"return:{ret.pk}:reverse:{earn.pk}"
                made.append(earn_reverse(earn=earn, points=points, key=key, by=actor))
        for spent in Entry.objects.filter(order=order, kind=Entry.Kind.REDEEM).order_by("pk"):
            if points := share(-spent.points):
                key = f"return:{ret.pk}:give-back:{spent.pk}"
                made.append(redemption_reverse(redemption=spent, points=points, key=key, by=actor))
    return [entry for entry, created in made if created]


def orders_settle(*, order_ids, by):
    """Bring the points of these orders in line with what each is now: a completed order earns,
    a cancelled or refunded one is reversed, a return reverses its share of its order. The one
    service every order event goes through; told again, it changes nothing."""
    actor = as_actor(by)
    rules = Rules()
    made = []
    ids = sorted(set(order_ids))
    for start in range(0, len(ids), BATCH):
        orders = Order.objects.filter(pk__in=ids[start : start + BATCH]).order_by("pk")
        for order in orders.select_related("customer").prefetch_related("lines__product"):
            if order.return_of_id:
                made += return_reverse(ret=order, by=actor)
            elif order.status in (Status.CANCELLED, Status.REFUNDED):
                made += order_reverse(order=order, by=actor)
            else:
                made += order_earn(order=order, by=actor, rules=rules)
    return made


def imported_orders_earn(*, source, started_at, by):
    """Earn for the completed orders an import of ``source`` created since ``started_at``, in
    batches, skipping those that earned already (an import told twice earns once). Returns the
    number of entries made."""
    actor = as_actor(by)
    rules = Rules()
    if not rules.programme.active:
        return 0
    orders = Order.objects.filter(
        source=source, created_at__gte=started_at, status=Status.COMPLETED, return_of=None
    ).order_by("pk")
    made, last = 0, 0
    while True:
        batch = list(
            orders.filter(pk__gt=last).select_related("customer").prefetch_related("lines__product")[:BATCH]
        )
        if not batch:
            return made
        last = batch[-1].pk
        earned = set(
            Entry.objects.filter(key__in=[f"order:{order.pk}:earn" for order in batch]).values_list(
                "key", flat=True
            )
        )
        tiers = dict(
            Membership.objects.filter(
                customer__in={order.customer_id for order in batch}, tier__isnull=False
            ).values_list("customer", "tier__multiplier")
        )
        # Without a bonus an order's points are all it earns: written for the batch at once.
        bonuses = rules.programme.first_purchase_bonus or rules.programme.referral_bonus
        with transaction.atomic():
            earnings = []
            for order in batch:
                if f"order:{order.pk}:earn" in earned:
                    continue
                tier = tiers.get(order.customer_id, Decimal(1))
                if bonuses:
                    made += len(order_earn(order=order, by=actor, rules=rules, tier_multiplier=tier))
                elif (points := order_points(order, rules, tier_multiplier=tier)) > 0:
                    earnings.append(
                        Earning(
                            order.customer_id,
                            points,
                            f"order:{order.pk}:earn",
                            order.pk,
                            _available_at(order, rules.programme),
                            _expires_at(order, rules),
                        )
                    )
            made += points_earn_many(earnings, by=actor)


def referral_record(*, referrer, referred, by):
    """Record that ``referrer`` brought ``referred`` (Customers): the referrer earns the
    programme's referral bonus when the referred customer's first order completes. Refused when
    the referred customer was referred already or has a completed order already."""
    actor = as_actor(by)
    require(actor, "customers.change_customer")
    if referrer.pk == referred.pk:
        raise ValidationError({"referrer": [_("A customer cannot refer themselves.")]})
    if referrer.merged_into_id or referred.merged_into_id:
        raise ValidationError({"referred": [_("This customer was merged into another one.")]})
    with transaction.atomic():
        if Referral.objects.filter(referred=referred).exists():
            raise ValidationError({"referred": [_("This customer's referral is recorded already.")]})
        if Order.objects.filter(customer=referred, status=Status.COMPLETED, return_of=None).exists():
            message = _("This customer has bought already: a referral counts only before the first purchase.")
            raise ValidationError({"referred": [message]})
        return Referral.objects.create(referrer=referrer, referred=referred, **actor.columns())


def entry_cause(entry):
    """What made an entry of this module, in words, from its key (None for any other entry)."""
    key = entry.key
    if key.startswith("customer:") and key.endswith(":first-purchase"):
        return _("First-purchase bonus")
    if key.startswith("referral:"):
        return _("Referral bonus")
    if key.startswith("order:") and key.endswith(":earn"):
        return _("Points for an order")
    if key.startswith("return:"):
        return _("Order returned")
    if key.startswith("order:") and (":reverse:" in key or ":give-back:" in key):
        return _("Order cancelled or refunded")
    return None


# -- helpers


def _tier_multiplier(customer_id):
    membership = Membership.objects.filter(customer=customer_id, tier__isnull=False).select_related("tier")
    found = membership.first()
    return found.tier.multiplier if found else Decimal(1)


def _first_completed(order):
    """Whether ``order`` is its customer's first completed order (returns aside)."""
    earlier = Order.objects.filter(
        customer=order.customer_id, status=Status.COMPLETED, return_of=None
    ).filter(Q(placed_at__lt=order.placed_at) | Q(placed_at=order.placed_at, pk__lt=order.pk))
    return not earlier.exists()


def _available_at(order, programme):
    return order.placed_at + relativedelta(days=programme.pending_days)


def _expires_at(order, rules):
    programme = rules.programme
    if programme.expiry_months:
        local = order.placed_at.astimezone(rules.zone) + relativedelta(months=programme.expiry_months)
        return local
    if programme.expires_on:
        return datetime.combine(programme.expires_on, time(), tzinfo=rules.zone)
    return None
