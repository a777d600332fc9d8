"""Tiers: the levels of the programme (Member, Silver, Gold, Platinum), who is in which, and why.

A customer's *qualifying figure* is read in the rolling window of the programme's
``tier_months`` that ends at the moment of evaluation, ``(now - tier_months, now]``, by the
programme's ``tier_basis``:

- spend: net spend in the base currency, as :mod:`patron.sales.rules` defines it (completed
  orders, less returns, each on the day it was placed);
- points: points earned (earn entries made in the window), less what reversals of those very
  entries took back (an order cancelled or returned earns nothing towards a tier either);
- value: the lifetime value (12 months) predicted by the last scoring (CustomerScore.clv);
  a customer the scoring could not value has none, and reaches only a tier at 0.

The tier reached is the highest whose threshold the figure reaches, whatever order the tiers
were made in. An upgrade applies at once, kept until ``tier_months`` later; a lower figure
moves a customer down only once that date has passed (the end of their qualification
period), and then to the tier the figure reaches, which may be none. A customer who still
reaches their tier then keeps it for another period. Every move writes a TierChange with its
reason in words (in the language active when it is written: the default one in the nightly
job) and who or what made it; an upgrade to a tier with an upgrade coupon batch issues the
customer a code of it in the same transaction.

Tiers are evaluated for one customer after each order (:func:`tiers_on_orders`, connected in
LoyaltyConfig.ready) and for everyone every night (:func:`tiers_evaluate_all`), set-based:
a few queries per chunk of customers, however many there are.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, Count, DecimalField, F, Min, Sum
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from patron.accounts.permissions import require
from patron.actors import Actor, as_actor
from patron.customers.models import Customer
from patron.home.periods import add_months
from patron.loyalty.models import CouponBatch, Entry, Membership, Programme, Tier, TierChange
from patron.sales.models import Order
from patron.sales.rules import net_amount_sql, net_spend_sql
from patron.scoring.models import CustomerScore
from patron.web.dates import format_day
from patron.workspace.clock import business_zone
from patron.workspace.money import format_money
from patron.workspace.services import get_workspace

MANAGE = "loyalty.manage_programme"
VIEW = "loyalty.view_tier"
NO_TIER = "none"
"""What the customer filter and the tiers page call customers without a tier: no tier may take it."""
CHUNK = 20_000
"""Customers evaluated together by the nightly job, in one transaction of a few queries."""
INLINE = 20
"""Customers an order event evaluates at once; more (an import's changes) go to a job."""
MONEY = DecimalField(max_digits=18, decimal_places=4)
THRESHOLD_DIGITS, THRESHOLD_PLACES = 14, 4
MULTIPLIER_DIGITS, MULTIPLIER_PLACES = 4, 2
MAX_MONTHS = 120

logger = logging.getLogger(__name__)
UPGRADE, DOWNGRADE, RENEW = "upgrade", "downgrade", "renew"


def programme_read():
    """The programme as it stands, without making it (a page that only reads writes nothing)."""
    return Programme.objects.filter(pk=1).first() or Programme(pk=1)


# -- the tiers, as an Admin or Marketer sets them


def tier_list(*, by):
    """Every tier, lowest first, each with ``member_count``: the customers in it now."""
    require(by, VIEW)
    tiers = Tier.objects.select_related("upgrade_batch").annotate(member_count=Count("members"))
    return list(tiers.order_by("threshold"))


def tier_create(*, name, threshold, multiplier=1, upgrade_batch=None, by):
    require(by, MANAGE)
    values = _checked(None, name, threshold, multiplier, upgrade_batch)
    try:
        with transaction.atomic():
            return Tier.objects.create(**values)
    except IntegrityError:  # the same name or threshold, saved meanwhile side by side
        raise _taken(values) from None


def tier_update(*, tier, name, threshold, multiplier, upgrade_batch=None, by):
    """Change a tier. Members keep it; the next evaluation (an order, the night) reads the new
    threshold, and a member below it moves down only at the end of their period."""
    require(by, MANAGE)
    values = _checked(tier.pk, name, threshold, multiplier, upgrade_batch)
    try:
        with transaction.atomic():
            Tier.objects.filter(pk=tier.pk).update(**values)
    except IntegrityError:
        raise _taken(values) from None
    return Tier.objects.get(pk=tier.pk)


def tier_delete(*, tier, by):
    """Delete a tier no customer is in or ever was (their history names it); refused otherwise."""
    require(by, MANAGE)
    with transaction.atomic():
        tier = Tier.objects.select_for_update().get(pk=tier.pk)
        used = (
            Membership.objects.filter(tier=tier).exists()
            or TierChange.objects.filter(from_tier=tier).exists()
            or TierChange.objects.filter(to_tier=tier).exists()
        )
        if used:
            raise ValidationError(
                _("%(tier)s has or had members, whose history names it: it cannot be deleted.")
                % {"tier": tier.name}
            )
        tier.delete()


def tier_rules_update(*, basis, months, by):
    """How the programme's tiers are reached: ``basis`` (spend, points or value) over the
    rolling window of ``months`` (1 to 120). Members keep their tiers until the next evaluation."""
    from patron.loyalty.programme import programme_get

    require(by, MANAGE)
    errors = {}
    if basis not in Programme.TierBasis.values:
        choices = ", ".join(Programme.TierBasis.values)
        errors["basis"] = [_("Choose one of: %(choices)s.") % {"choices": choices}]
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= MAX_MONTHS:
        errors["months"] = [_("Give a whole number of months from 1 to %(most)d.") % {"most": MAX_MONTHS}]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme_get().pk)
        programme.tier_basis, programme.tier_months = basis, months
        programme.updated_by = as_actor(by).user
        programme.save(update_fields=["tier_basis", "tier_months", "updated_by", "updated_at"])
    return programme


def _checked(pk, name, threshold, multiplier, upgrade_batch):
    errors = {}
    name = " ".join(str(name or "").split())
    others = Tier.objects.exclude(pk=pk) if pk else Tier.objects.all()
    if not name or len(name) > 50:
        errors["name"] = [_("Give the tier a name of 1 to 50 characters.")]
    elif name.casefold() == NO_TIER:
        errors["name"] = [_("“none” stands for customers without a tier: give the tier another name.")]
    elif others.filter(name__iexact=name).exists():
        errors["name"] = [_("There is already a tier named %(name)s.") % {"name": name}]
    threshold = _decimal(threshold, THRESHOLD_DIGITS, THRESHOLD_PLACES)
    if threshold is None:
        errors["threshold"] = [
            _("Give the figure that reaches the tier: a number of at least 0, with at most 4 decimals.")
        ]
    else:
        same = others.filter(threshold=threshold).first()
        if same:
            errors["threshold"] = [
                _("%(tier)s is already reached at this figure: give each tier its own.") % {"tier": same.name}
            ]
    multiplier = _decimal(multiplier, MULTIPLIER_DIGITS, MULTIPLIER_PLACES)
    if multiplier is None:
        errors["multiplier"] = [
            _("Give a points multiplier of at least 0, with at most 2 decimals, such as 1.5.")
        ]
    if upgrade_batch is not None and not isinstance(upgrade_batch, CouponBatch):
        upgrade_batch = (
            CouponBatch.objects.filter(pk=upgrade_batch).first() if str(upgrade_batch).isdigit() else None
        )
        if upgrade_batch is None:
            errors["upgrade_batch"] = [_("There is no such coupon batch.")]
    if errors:
        raise ValidationError(errors)
    return {"name": name, "threshold": threshold, "multiplier": multiplier, "upgrade_batch": upgrade_batch}


def _decimal(value, whole, places):
    """``value`` (a Decimal, an int or its text; never a float) as a Decimal of at least 0 with
    at most ``whole`` digits before the point and ``places`` after it; None when it is not one."""
    if isinstance(value, bool | float) or value is None:
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    if not number.is_finite() or number < 0 or number >= Decimal(10) ** whole:
        return None
    if number != number.quantize(Decimal(1).scaleb(-places)):
        return None
    return number


def _taken(values):
    same = Tier.objects.filter(threshold=values["threshold"]).first()
    if same:
        return ValidationError(
            {
                "threshold": [
                    _("%(tier)s is already reached at this figure: give each tier its own.")
                    % {"tier": same.name}
                ]
            }
        )
    return ValidationError(
        {"name": [_("There is already a tier named %(name)s.") % {"name": values["name"]}]}
    )


# -- the qualifying figure


def months_later(moment: datetime, months: int, zone=None) -> datetime:
    """The same time of day ``months`` later (earlier when negative) on the business calendar
    (``zone``: the workspace's, read when not given), on the month's last day when it is shorter."""
    local = moment.astimezone(zone or business_zone())
    day = add_months(local.date(), months)
    return local.replace(year=day.year, month=day.month, day=day.day)


def _figures(programme, now, lo, hi):
    """{customer id: qualifying figure} for the customers of ids ``lo`` to ``hi`` (included)
    who have one (the others: 0), in the window ending at ``now``."""
    if programme.tier_basis == Programme.TierBasis.VALUE:
        scores = CustomerScore.objects.filter(customer_id__gte=lo, customer_id__lte=hi, clv__isnull=False)
        return dict(scores.values_list("customer_id", "clv"))
    start = months_later(now, -programme.tier_months)
    if programme.tier_basis == Programme.TierBasis.POINTS:
        return _points(lo, hi, start, now)
    return _spend(lo, hi, start, now)


def _counted_orders(lo, hi, start, end):
    orders = Order.objects.filter(
        customer_id__gte=lo, customer_id__lte=hi, placed_at__gt=start, placed_at__lte=end
    )
    # The SQL of sales.rules, with no parameter: net spend as every reader of orders counts it.
    return orders.filter(RawSQL(net_spend_sql(), (), output_field=BooleanField()))  # noqa: S611


def _spend(lo, hi, start, end):
    amount = RawSQL(net_amount_sql(), (), output_field=MONEY)  # noqa: S611
    rows = _counted_orders(lo, hi, start, end).values("customer_id").annotate(total=Sum(amount)).order_by()
    return {row["customer_id"]: row["total"] for row in rows}


def _earned(lo, hi, start, end):
    return Entry.objects.filter(
        customer_id__gte=lo,
        customer_id__lte=hi,
        kind=Entry.Kind.EARN,
        created_at__gt=start,
        created_at__lte=end,
    )


def _points(lo, hi, start, end):
    rows = _earned(lo, hi, start, end).values("customer_id").annotate(total=Sum("points")).order_by()
    figures = {row["customer_id"]: Decimal(row["total"]) for row in rows}
    # What reversals of those entries took back, or could not (their shortfall): not earned.
    reversals = Entry.objects.filter(
        customer_id__gte=lo,
        customer_id__lte=hi,
        kind=Entry.Kind.REVERSE,
        created_at__lte=end,
        reverses__kind=Entry.Kind.EARN,
        reverses__created_at__gt=start,
        reverses__created_at__lte=end,
    )
    taken = reversals.values("customer_id").annotate(total=Sum(F("shortfall") - F("points"))).order_by()
    for row in taken:
        figures[row["customer_id"]] = figures.get(row["customer_id"], Decimal(0)) - row["total"]
    return figures


def qualifying_figure(customer, *, now=None, programme=None):
    """The customer's figure by the programme's tier basis, in the window ending at ``now``."""
    programme = programme or programme_read()
    pk = getattr(customer, "pk", customer)
    return _figures(programme, now or timezone.now(), pk, pk).get(pk) or Decimal(0)


# -- the decision, one rule for one customer and for everyone


@dataclass(frozen=True)
class Move:
    customer_id: int
    kind: str  # UPGRADE, DOWNGRADE or RENEW
    old: Tier | None
    new: Tier | None
    figure: Decimal


def _decide(customer_id, figure, tiers, membership, now):
    """The move the figure makes for a customer in ``membership`` (None: never in a tier), or
    None. ``tiers``: every tier, highest threshold first."""
    reached = next((tier for tier in tiers if tier.threshold <= figure), None)
    current = membership.tier if membership is not None else None
    if _rank(reached) > _rank(current):
        return Move(customer_id, UPGRADE, current, reached, figure)
    if current is None or (membership.kept_until is not None and membership.kept_until > now):
        return None
    if reached == current:
        return Move(customer_id, RENEW, current, current, figure)
    return Move(customer_id, DOWNGRADE, current, reached, figure)


def _rank(tier):
    return tier.threshold if tier is not None else Decimal(-1)


def _figure_text(programme, figure, currency, period):
    if programme.tier_basis == Programme.TierBasis.VALUE:
        return _("a predicted lifetime value of %(amount)s") % {
            "amount": format_money(figure, currency, get_language())
        }
    values = dict(period)
    if programme.tier_basis == Programme.TierBasis.POINTS:
        values["points"] = _count(figure)
        return _("%(points)s points earned from %(start)s to %(end)s") % values
    values["amount"] = format_money(figure, currency, get_language())
    return _("%(amount)s spent from %(start)s to %(end)s") % values


def _count(value):
    """Points in a sentence, thousands grouped as the reader's language groups them."""
    whole = value == value.to_integral_value()
    return number_format(int(value) if whole else value, force_grouping=True)


def threshold_text(programme, tier, currency):
    if programme.tier_basis == Programme.TierBasis.POINTS:
        return _("%(points)s points") % {"points": _count(tier.threshold)}
    return format_money(tier.threshold, currency, get_language())


def _reason(programme, move, membership, now, currency, period):
    figure = _figure_text(programme, move.figure, currency, period)
    if move.kind == UPGRADE:
        return _("Reached %(tier)s: %(figure)s; %(tier)s starts at %(threshold)s.") % {
            "tier": move.new.name,
            "figure": figure,
            "threshold": threshold_text(programme, move.new, currency),
        }
    values = {
        "old": move.old.name,
        "date": format_day(membership.kept_until) if membership.kept_until else format_day(now),
        "figure": figure,
        "threshold": threshold_text(programme, move.old, currency),
    }
    if move.new is None:
        return (
            _(
                "The qualification period of %(old)s ended on %(date)s: %(figure)s, below the %(threshold)s "
                "it needs; no tier now."
            )
            % values
        )
    return _(
        "The qualification period of %(old)s ended on %(date)s: %(figure)s, below the %(threshold)s "
        "it needs; %(new)s now."
    ) % (values | {"new": move.new.name})


def _write(programme, moves, memberships, actor, now):
    """Apply ``moves`` (customer ids' Membership rows in ``memberships``, locked or absent): the
    memberships, the tier changes with their reasons, and an upgrade's coupon."""
    if not moves:
        return
    zone, currency = business_zone(), get_workspace().currency
    kept_until = months_later(now, programme.tier_months, zone)
    # The window the figures were read in, as the reasons name it.
    period = {"start": format_day(months_later(now, -programme.tier_months, zone)), "end": format_day(now)}
    changed, made, history = [], [], []
    for move in moves:
        membership = memberships.get(move.customer_id)
        if move.kind == RENEW:
            membership.kept_until = kept_until
            changed.append(membership)
            continue
        history.append(
            TierChange(
                customer_id=move.customer_id,
                from_tier=move.old,
                to_tier=move.new,
                reason=_reason(programme, move, membership, now, currency, period)[:500],
                changed_at=now,
                **actor.columns(),
            )
        )
        keep = kept_until if move.new is not None else None
        if membership is None:
            made.append(Membership(customer_id=move.customer_id, tier=move.new, since=now, kept_until=keep))
        else:
            membership.tier, membership.since, membership.kept_until = move.new, now, keep
            changed.append(membership)
    if len(changed) > 1:
        # Rewritten, not updated: bulk_update's CASE per row costs the square of a batch (a night
        # when a whole year's periods end moves most members), and these rows are locked.
        Membership.objects.filter(customer_id__in=[row.customer_id for row in changed]).delete()
        made += changed
    elif changed:
        changed[0].save(update_fields=["tier", "since", "kept_until"])
    Membership.objects.bulk_create(made, batch_size=2_000)
    TierChange.objects.bulk_create(history, batch_size=2_000)
    for move in moves:
        if move.kind == UPGRADE and move.new.upgrade_batch_id:
            from patron.loyalty.coupons import coupon_issue

            coupon_issue(batch=move.new.upgrade_batch, customer=Customer(pk=move.customer_id), by=actor)


def tier_evaluate(customer, by, now=None):
    """Evaluate the customer's tier now: an upgrade at once, a downgrade or a renewal once their
    period has ended. Returns the Move made, or None (nothing changed, or the programme is not
    running, or has no tiers)."""
    actor = as_actor(by)
    require(actor, VIEW)
    now = now or timezone.now()
    programme = programme_read()
    tiers = _tiers_highest_first()
    if not programme.active or not tiers:
        return None
    pk = getattr(customer, "pk", customer)
    for attempt in range(2):
        try:
            with transaction.atomic():
                membership = Membership.objects.select_for_update().filter(customer_id=pk).first()
                if membership is not None:
                    membership.tier = next((tier for tier in tiers if tier.pk == membership.tier_id), None)
                figure = _figures(programme, now, pk, pk).get(pk) or Decimal(0)
                move = _decide(pk, figure, tiers, membership, now)
                if move is not None:
                    _write(programme, [move], {pk: membership}, actor, now)
                return move
        except IntegrityError:  # the membership made meanwhile by another evaluation: read it again
            if attempt:
                raise
    return None


def _tiers_highest_first():
    return list(Tier.objects.select_related("upgrade_batch").order_by("-threshold"))


@dataclass
class Evaluated:
    customers: int = 0
    upgraded: int = 0
    downgraded: int = 0
    renewed: int = 0


def tiers_evaluate_all(*, by, now=None, chunk=CHUNK):
    """Evaluate every customer (not merged away, not erased), ``chunk`` customers at a time:
    per chunk, their memberships locked, their figures summed in one query, the moves written
    in bulk. Returns the counts (Evaluated)."""
    actor = as_actor(by)
    require(actor, VIEW)
    now = now or timezone.now()
    programme = programme_read()
    tiers = _tiers_highest_first()
    done = Evaluated()
    if not programme.active or not tiers:
        return done
    by_id = {tier.pk: tier for tier in tiers}
    customers = Customer.objects.filter(merged_into__isnull=True, erased_at__isnull=True).order_by("pk")
    last = 0
    while True:
        ids = list(customers.filter(pk__gt=last).values_list("pk", flat=True)[:chunk])
        if not ids:
            return done
        lo, hi, last = ids[0], ids[-1], ids[-1]
        try:
            with transaction.atomic():
                moves = _chunk(programme, tiers, by_id, ids, lo, hi, actor, now)
        except IntegrityError:  # a membership made meanwhile by an order's evaluation
            moves = [tier_evaluate(pk, actor, now) for pk in ids]
            moves = [move for move in moves if move is not None]
        done.customers += len(ids)
        done.upgraded += sum(move.kind == UPGRADE for move in moves)
        done.downgraded += sum(move.kind == DOWNGRADE for move in moves)
        done.renewed += sum(move.kind == RENEW for move in moves)


@dataclass(frozen=True)
class _Held:
    """A membership as read without a lock: enough to decide, and to tell if it changed."""

    tier: Tier | None
    kept_until: datetime | None


def _chunk(programme, tiers, by_id, ids, lo, hi, actor, now):
    """Decide on the memberships as read, then lock only those that move and write the moves
    whose membership is still as read (one changed meanwhile was evaluated by its order)."""
    rows = Membership.objects.filter(customer_id__gte=lo, customer_id__lte=hi)
    held = {
        customer: _Held(by_id.get(tier), kept_until)
        for customer, tier, kept_until in rows.values_list("customer_id", "tier_id", "kept_until")
    }
    figures = _figures(programme, now, lo, hi)
    zero = Decimal(0)
    lowest = tiers[-1].threshold
    moves = []
    for pk in ids:
        figure = figures.get(pk) or zero
        membership = held.get(pk)
        if membership is None and figure < lowest:
            continue  # the common case, decided without a call
        move = _decide(pk, figure, tiers, membership, now)
        if move is not None:
            moves.append(move)
    if not moves:
        return moves
    locked = Membership.objects.select_for_update().filter(
        customer_id__in=[move.customer_id for move in moves]
    )
    memberships = {}
    for membership in locked:
        membership.tier = by_id.get(membership.tier_id)
        memberships[membership.customer_id] = membership
    moves = [
        move for move in moves if _unchanged(held.get(move.customer_id), memberships.get(move.customer_id))
    ]
    _write(programme, moves, memberships, actor, now)
    return moves


def _unchanged(held, membership):
    if held is None or membership is None:
        return held is None and membership is None
    return (held.tier, held.kept_until) == (membership.tier, membership.kept_until)


# -- after each order


def tiers_on_orders(sender, *, event, **kwargs):
    """Evaluate the tiers of the customers whose orders were recorded or changed (connected to
    sales.events.orders_recorded in LoyaltyConfig.ready, after the earning, so that a tier by
    points counts the order's): at once for a few, in a job for more or when that failed."""
    from patron.loyalty.tier_jobs import tiers_evaluate_customers

    orders = (*event.created, *event.changed)
    customers = sorted(set(Order.objects.filter(pk__in=orders).values_list("customer_id", flat=True)))
    if not customers or not programme_read().active:
        return
    if len(customers) <= INLINE:
        try:
            by = Actor.system(job="tier_evaluate_on_order")
            for customer in customers:
                tier_evaluate(customer, by)
            return
        except Exception:  # a deadlock, a lost connection: the job tries again, with retries
            logger.exception("Tiers of customers %s not evaluated at once; queued", customers)
    tiers_evaluate_customers(customers)


# -- progress, for the customer page


def tier_progress(customer, now=None):
    """A sentence on the customer's way to their next tier, or on keeping theirs: "฿1,240.00
    more by Mar 31, 2027 to reach Gold", "... to keep Gold". None when the programme is not
    running or has no tiers."""
    now = now or timezone.now()
    programme = programme_read()
    tiers = list(reversed(_tiers_highest_first()))
    if not programme.active or not tiers:
        return None
    pk = getattr(customer, "pk", customer)
    membership = Membership.objects.select_related("tier").filter(customer_id=pk).first()
    current = membership.tier if membership is not None else None
    figure = _figures(programme, now, pk, pk).get(pk) or Decimal(0)
    if current is not None and membership.kept_until is not None:
        # What still counts when the period ends: the window then starts later than now's.
        counted = figure
        if programme.tier_basis != Programme.TierBasis.VALUE and membership.kept_until > now:
            counted = _counted_until(programme, pk, membership.kept_until, now)
        short = current.threshold - counted
        if short > 0:
            return _sentence(programme, short, membership.kept_until, current, keep=True)
    above = [tier for tier in tiers if _rank(tier) > _rank(current)]
    if not above:
        if current is None:
            return None
        return _("%(tier)s, the highest tier, is kept until %(date)s.") % {
            "tier": current.name,
            "date": format_day(membership.kept_until),
        }
    target = above[0]
    short = target.threshold - figure
    if short <= 0:
        return _("%(tier)s is reached: it applies with the next order or overnight.") % {"tier": target.name}
    return _sentence(programme, short, _deadline(programme, pk, now), target, keep=False)


def _counted_until(programme, pk, end, now):
    """What of the customer's figure so far still counts in the window ending at ``end``."""
    start = months_later(end, -programme.tier_months)
    if programme.tier_basis == Programme.TierBasis.POINTS:
        return _points(pk, pk, start, now).get(pk) or Decimal(0)
    return _spend(pk, pk, start, now).get(pk) or Decimal(0)


def _deadline(programme, pk, now):
    """The moment the oldest part of the figure leaves the window (until then, what is missing
    stays what it is now), or a whole period from now when nothing counts yet; None by value."""
    if programme.tier_basis == Programme.TierBasis.VALUE:
        return None
    start = months_later(now, -programme.tier_months)
    if programme.tier_basis == Programme.TierBasis.POINTS:
        oldest = _earned(pk, pk, start, now).aggregate(at=Min("created_at"))["at"]
    else:
        oldest = _counted_orders(pk, pk, start, now).aggregate(at=Min("placed_at"))["at"]
    return months_later(oldest or now, programme.tier_months)


def _sentence(programme, short, by, tier, *, keep):
    # The last moment before ``by``: a day is shown, and at ``by`` itself it no longer counts.
    values = {"tier": tier.name, "date": format_day(by - timedelta(microseconds=1)) if by else ""}
    if programme.tier_basis == Programme.TierBasis.VALUE:
        values["amount"] = format_money(short, get_workspace().currency, get_language())
        if keep:
            return _("A predicted lifetime value %(amount)s higher by %(date)s keeps %(tier)s.") % values
        return _("A predicted lifetime value %(amount)s higher reaches %(tier)s.") % values
    if programme.tier_basis == Programme.TierBasis.POINTS:
        values["points"] = _count(short)
        if keep:
            return _("%(points)s points more by %(date)s to keep %(tier)s") % values
        return _("%(points)s points more by %(date)s to reach %(tier)s") % values
    values["amount"] = format_money(short, get_workspace().currency, get_language())
    if keep:
        return _("%(amount)s more by %(date)s to keep %(tier)s") % values
    return _("%(amount)s more by %(date)s to reach %(tier)s") % values
