"""The demo shop's loyalty programme: its rules, tiers, coupons and member cards, and two years
of points replayed from the shop's orders through the loyalty app's own services.

The history is replayed in time order on a clock set back to each moment (``timezone.now``
answers the replayed moment for the run, so every entry and coupon use is dated the day it
happened, as the programme would have recorded it): the completed orders of each week earn at
once (ledger.points_earn_many), a refunded order's points are taken back a few days after it
(earning.order_reverse), some customers spend points at the till on a later order
(ledger.points_redeem), and at each month's start the points past their expiry expire
(expiry.points_expire_all), as the nightly job does; then, at the present, the points due
expire and the tiers are evaluated once (tiers.tiers_evaluate_all: evaluating them every
month cost more than the rest of the history). Everything is drawn from the demo's seed:
the same seed gives the same ledger (but for the codes of the upgrade coupons, which the tiers
draw at random as they do for a real shop).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.db.models import Prefetch
from django.utils import timezone

from patron.loyalty.cards import DIGITS, luhn_digit
from patron.loyalty.coupons import ALPHABET, GROUP_SIZE, GROUPS, batch_create, coupon_redeem
from patron.loyalty.earning import Rules, order_points, order_reverse
from patron.loyalty.expiry import points_expire_all
from patron.loyalty.ledger import Earning, NotEnoughPoints, balance_of, points_earn_many, points_redeem
from patron.loyalty.models import Card, Coupon, CouponBatch, EarnRule, Membership, Tier
from patron.loyalty.programme import earn_rule_add, programme_get, programme_update
from patron.loyalty.tiers import tier_create, tier_rules_update, tiers_evaluate_all
from patron.sales.models import Order, OrderLine

PENDING_DAYS = 7
EXPIRY_MONTHS = 12
REDEEMER_SHARE = 0.6  # customers who spend their points at all
REDEEM_CHANCE = 0.7  # how often a redeemer spends at an order, when the points reach
SAVED_REWARDS = 3  # rewards' worth a redeemer saves up before spending
CARD_SHARE = 0.6  # customers of CARD_ORDERS orders or more who carry the member card
CARD_ORDERS = 3
COUPON_DAYS = 120  # the coupons run over the last months
COUPON_CHANCE = 0.06  # an order of those months on which a coupon is used
TIER_MULTIPLIERS = (Decimal(1), Decimal("1.25"), Decimal("1.5"), Decimal(2))


@dataclass(frozen=True)
class Batch:
    name: str
    benefit: str
    min_spend: Decimal


@dataclass(frozen=True)
class LoyaltyPlan:
    """A shop's programme, its names in the shop's language as its products are."""

    name: str
    points_per_unit: Decimal  # 1 point per so much of the currency
    point_value: Decimal  # what a point is worth when spent, in the currency
    rules: tuple  # (category, multiplier)
    tiers: tuple  # (name, spend over 12 months reaching it), lowest first
    reward: int  # points one reward at the till costs
    welcome: Batch  # once per customer
    sale: Batch  # a few codes, each used up to SALE_USES times
    gold: tuple  # (name, benefit) of the coupon given on reaching the third tier


SALE_CODES, SALE_USES = 3, 200

PLANS = {
    # 1 point per 25 THB, worth 0.25 THB: 1 % back. A beauty shop: Thai herbs earn double.
    "TH": LoyaltyPlan(
        name="ใบเตย สะสมแต้ม",
        points_per_unit=Decimal("0.04"),
        point_value=Decimal("0.25"),
        rules=(("สมุนไพรไทย", "2"), ("ชุดของขวัญ", "1.5")),
        tiers=(("สมาชิก", 0), ("ซิลเวอร์", 4_000), ("โกลด์", 10_000), ("แพลทินัม", 25_000)),
        reward=50,
        welcome=Batch("ต้อนรับสมาชิกใหม่", "ลด 10% สำหรับการซื้อครั้งถัดไป", Decimal(500)),
        sale=Batch("โปรกลางปี", "ลด 100 บาท เมื่อซื้อครบ 1,000 บาท", Decimal(1000)),
        gold=("ของขวัญระดับโกลด์", "เซรั่มขนาดทดลองฟรี 1 ขวด"),
    ),
    # 1 point per 10,000 VND (the programme's rate holds 4 decimals), worth 100 VND. Coffee beans
    # earn double.
    "VN": LoyaltyPlan(
        name="Hạt Mộc Tích Điểm",
        points_per_unit=Decimal("0.0001"),
        point_value=Decimal(100),
        rules=(("Cà phê hạt", "2"), ("Quà tặng", "1.5")),
        tiers=(("Thành viên", 0), ("Bạc", 3_000_000), ("Vàng", 8_000_000), ("Bạch kim", 20_000_000)),
        reward=50,
        welcome=Batch("Chào thành viên mới", "Giảm 10% cho đơn hàng tiếp theo", Decimal(300_000)),
        sale=Batch("Khuyến mãi giữa năm", "Giảm 50.000 ₫ cho đơn từ 500.000 ₫", Decimal(500_000)),
        gold=("Quà lên hạng Vàng", "Tặng 1 hộp trà Thái Nguyên 100 g"),
    ),
    # 1 point per 1 TRY, worth 0.01 TRY. Coffee and tea earn double.
    "TR": LoyaltyPlan(
        name="Çınar Puan",
        points_per_unit=Decimal(1),
        point_value=Decimal("0.01"),
        rules=(("Kahve ve çay", "2"), ("Hediyelik", "1.5")),
        tiers=(("Üye", 0), ("Gümüş", 8_000), ("Altın", 20_000), ("Platin", 50_000)),
        reward=500,
        welcome=Batch("Hoş geldiniz", "Bir sonraki alışverişte %10 indirim", Decimal(750)),
        sale=Batch("Yaz indirimi", "1.500 TL ve üzeri alışverişte 150 TL indirim", Decimal(1500)),
        gold=("Altın üyelik hediyesi", "Bir mutfak havlusu hediye"),
    ),
    # 1 point per 50 PHP, worth 0.50 PHP. Coffee and chocolate earn double.
    "PH": LoyaltyPlan(
        name="Suki Points ni Aling Rosa",
        points_per_unit=Decimal("0.02"),
        point_value=Decimal("0.5"),
        rules=(("Kape at tsokolate", "2"), ("Pang-regalo", "1.5")),
        tiers=(("Member", 0), ("Silver", 6_000), ("Gold", 15_000), ("Platinum", 35_000)),
        reward=25,
        welcome=Batch("Welcome, suki!", "10% off sa susunod mong bili", Decimal(500)),
        sale=Batch("Mid-year sale", "₱100 off sa bili na ₱1,000 pataas", Decimal(1000)),
        gold=("Regalo sa pag-Gold", "Libreng isang kahon ng pastillas"),
    ),
}


class _Clock:
    """What ``timezone.now`` answers while the history is replayed."""

    def __init__(self, moment):
        self.moment = moment

    def __call__(self):
        return self.moment


def run_programme(*, profile, customer_ids, rng, now, by):
    """Set up the shop's programme (unless one is running: --add keeps it) and replay the points
    of the orders of ``customer_ids``. Returns counts of what was made."""
    plan = PLANS[profile.country]
    zone = ZoneInfo(profile.time_zone)
    clock = _Clock(now - timedelta(days=731))
    with mock.patch.object(timezone, "now", clock):
        batches = _set_up(plan, profile, rng, now, by)
        orders = _orders(customer_ids)
        events = _events(orders, batches is not None, rng, now, zone)
        counts = _replay(events, batches, rng, clock, plan, by)
        clock.moment = now
        counts["expired"] += points_expire_all(by=by, now=now)["entries"]
        tiers_evaluate_all(by=by, now=now)
        counts["cards"] = _cards(orders, rng)
    return counts


def _set_up(plan, profile, rng, now, by):
    """The programme, its rules, tiers and coupon batches; none made twice. Returns the batches
    whose codes are used in the history, (welcome, sale), or None when they were there before."""
    programme = programme_get()
    if not programme.active:
        programme_update(
            by=by,
            active=True,
            name=plan.name,
            points_per_unit=plan.points_per_unit,
            point_value=plan.point_value,
            pending_days=PENDING_DAYS,
            expiry_months=EXPIRY_MONTHS,
            expires_on=None,
        )
    if not EarnRule.objects.exists():
        for category, multiplier in plan.rules:
            earn_rule_add(applies_to=EarnRule.Applies.CATEGORY, value=category, multiplier=multiplier, by=by)
    if not Tier.objects.exists():
        tier_rules_update(basis="spend", months=12, by=by)
        gold = CouponBatch.objects.create(name=plan.gold[0], benefit=plan.gold[1], use=CouponBatch.Use.SINGLE)
        tiers = zip(plan.tiers, TIER_MULTIPLIERS, strict=True)
        for rank, ((name, threshold), multiplier) in enumerate(tiers):
            upgrade = gold if rank == 2 else None
            tier_create(name=name, threshold=threshold, multiplier=multiplier, upgrade_batch=upgrade, by=by)
    if CouponBatch.objects.exclude(use=CouponBatch.Use.SINGLE).exists():
        return None
    start = now - timedelta(days=COUPON_DAYS)
    welcome = batch_create(
        name=plan.welcome.name,
        benefit=plan.welcome.benefit,
        use=CouponBatch.Use.PER_CUSTOMER,
        min_spend=plan.welcome.min_spend,
        valid_from=start,
        codes=_codes(rng, 1),
        by=by,
    )
    sale = batch_create(
        name=plan.sale.name,
        benefit=plan.sale.benefit,
        use=CouponBatch.Use.LIMITED,
        max_uses=SALE_USES,
        min_spend=plan.sale.min_spend,
        valid_from=start,
        valid_to=now + timedelta(days=30),
        codes=_codes(rng, SALE_CODES),
        by=by,
    )
    return welcome, sale


def _codes(rng, count):
    """``count`` codes drawn from the seed, as coupons.new_code shapes them, none already taken."""
    codes = []
    while len(codes) < count:
        chars = "".join(ALPHABET[i] for i in rng.integers(0, len(ALPHABET), GROUPS * GROUP_SIZE))
        code = "-".join(chars[i : i + GROUP_SIZE] for i in range(0, len(chars), GROUP_SIZE))
        if code not in codes and not Coupon.objects.filter(code=code).exists():
            codes.append(code)
    return codes


def _orders(customer_ids):
    """The customers' completed and refunded orders, oldest first, with their lines."""
    if not customer_ids:
        return []
    lines = OrderLine.objects.select_related("product")
    orders = Order.objects.filter(
        customer_id__gte=min(customer_ids),
        customer_id__lte=max(customer_ids),
        status__in=[Order.Status.COMPLETED, Order.Status.REFUNDED],
        return_of=None,
    )
    orders = orders.select_related("customer").prefetch_related(Prefetch("lines", queryset=lines))
    return sorted(orders, key=lambda order: (order.placed_at, order.pk))


# Events at one moment happen in this order: what was earned first, what was spent last.
EXPIRE, EARN, REVERSE, REDEEM, COUPON = range(5)


def _events(orders, coupons, rng, now, zone):
    """(moment, kind, what) of the whole history, in time order."""
    events = []
    start = (now - timedelta(days=731)).astimezone(zone)
    month = start.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    while month < now:
        events.append((month, EXPIRE, None))
        month += relativedelta(months=1)
    weeks = defaultdict(list)
    for order in orders:
        local = order.placed_at.astimezone(zone)
        weeks[(local.year, local.month, (local.day - 1) // 7)].append(order)
    earn_at = {}
    for week in weeks.values():
        events.append((week[-1].placed_at, EARN, week))
        earn_at.update((order.pk, week[-1].placed_at) for order in week)
    redeemers = {pk for pk in sorted({o.customer_id for o in orders}) if rng.random() < REDEEMER_SHARE}
    seen = set()
    coupon_start = now - timedelta(days=COUPON_DAYS)
    for order in orders:
        if order.status == Order.Status.REFUNDED:
            # Refunded after its week earned (and by now at the latest).
            refund = max(order.placed_at + timedelta(days=int(rng.integers(2, 14))), earn_at[order.pk])
            events.append((min(refund, now), REVERSE, order))
            continue
        if order.customer_id in seen and order.customer_id in redeemers and rng.random() < REDEEM_CHANCE:
            events.append((order.placed_at, REDEEM, order))
        seen.add(order.customer_id)
        if coupons and order.placed_at >= coupon_start and rng.random() < COUPON_CHANCE:
            events.append((order.placed_at, COUPON, order))
    events = [event for event in events if event[0] <= now]
    events.sort(key=lambda event: (event[0], event[1]))
    return events


def _replay(events, batches, rng, clock, plan, by):
    counts = {"earned": 0, "redeemed": 0, "expired": 0, "reversed": 0, "coupon_uses": 0}
    rules = Rules()
    # What each customer earned and spent so far, by the replay's own count: a bound on what they
    # can spend that spares the ledger a question whose answer is no.
    lots, spent = defaultdict(list), defaultdict(int)
    for moment, kind, what in events:
        clock.moment = moment
        if kind == EXPIRE:
            counts["expired"] += points_expire_all(by=by, now=moment)["entries"]
        elif kind == EARN:
            earnings = _earnings(what, rules)
            for earning in earnings:
                lots[earning.customer].append(earning)
            counts["earned"] += points_earn_many(earnings, by=by)
        elif kind == REVERSE:
            counts["reversed"] += len(order_reverse(order=what, by=by))
        elif kind == REDEEM:
            customer = what.customer_id
            earned = sum(lot.points for lot in lots[customer] if lot.available_at <= moment < lot.expires_at)
            if earned - spent[customer] >= SAVED_REWARDS * plan.reward:
                points = _redeem(what, plan, moment, by)
                spent[customer] += points
                counts["redeemed"] += points > 0
        elif kind == COUPON:
            counts["coupon_uses"] += _coupon(what, batches, rng, moment, by)
    return counts


def _earnings(orders, rules):
    multipliers = dict(
        Membership.objects.filter(
            customer__in={order.customer_id for order in orders}, tier__isnull=False
        ).values_list("customer", "tier__multiplier")
    )
    programme = rules.programme
    earnings = []
    for order in orders:
        points = order_points(order, rules, tier_multiplier=multipliers.get(order.customer_id, Decimal(1)))
        if points > 0:
            local = order.placed_at.astimezone(rules.zone)
            earnings.append(
                Earning(
                    order.customer_id,
                    points,
                    f"order:{order.pk}:earn",
                    order.pk,
                    order.placed_at + relativedelta(days=programme.pending_days),
                    local + relativedelta(months=programme.expiry_months),
                )
            )
    return earnings


def _redeem(order, plan, moment, by):
    """Spend what the points reach at the till, in whole rewards, at most ten, once they reach
    SAVED_REWARDS. Returns the points spent."""
    rewards = min(balance_of(order.customer_id, now=moment).available // plan.reward, 10)
    if rewards < SAVED_REWARDS:
        return 0
    try:
        points_redeem(
            customer=order.customer_id,
            points=rewards * plan.reward,
            key=f"demo:redeem:{order.external_id}",
            order=order,
            reason="",
            by=by,
        )
    except NotEnoughPoints:  # cannot happen at the balance just read; nothing written if it did
        return 0
    return rewards * plan.reward


def _coupon(order, batches, rng, moment, by):
    """Use the welcome coupon (once per customer) or one of the sale's codes on the order."""
    from patron.loyalty.coupons import CouponRefused

    welcome, sale = batches
    batch = welcome if rng.random() < 0.5 else sale
    codes = list(batch.coupons.order_by("code").values_list("code", flat=True))
    code = codes[int(rng.integers(0, len(codes)))]
    try:
        coupon_redeem(
            code=code,
            customer=order.customer,
            key=f"demo:coupon:{order.external_id}",
            order=order,
            now=moment,
            by=by,
        )
    except CouponRefused:  # below the minimum, used already: the till says so, nothing is used
        return 0
    return 1


def _cards(orders, rng):
    """Member cards, numbered from the seed, for many of the customers who come back often."""
    counts = defaultdict(int)
    for order in orders:
        counts[order.customer_id] += 1
    holders = [pk for pk in sorted(counts) if counts[pk] >= CARD_ORDERS and rng.random() < CARD_SHARE]
    taken, cards = set(Card.objects.values_list("number", flat=True)), []
    for pk in holders:
        while True:
            body = str(int(rng.integers(1, 10))) + "".join(str(d) for d in rng.integers(0, 10, DIGITS - 2))
            number = body + luhn_digit(body)
            if number not in taken:
                break
        taken.add(number)
        cards.append(Card(customer_id=pk, number=number))
    Card.objects.bulk_create(cards, batch_size=1000)
    return len(cards)
