"""What the programme owes and how it is used: the points outstanding and their value, the
expected breakage, points earned, redeemed and expired per month, and how much of what they
earn each tier and each RFM segment redeems. Read-only; every figure is a sum the database
works out (a few aggregate queries, none reading entries one by one), so the page stays a
handful of queries at 20,000,000 entries.

Outstanding points are the sum of the accounts (the ledger's cached balances, checked against
the entries by ``patron loyalty check``), split by the lots that hold them: *pending* (earned,
spendable once their pending period ends), *due to expire* (past their expiry, taken by the next
nightly expiry) and *available* (the rest). The liability counts what can still be spent,
available and pending points, at the programme's ``point_value`` in the base currency.

Expected breakage (:func:`breakage`), the share of points that will never be redeemed, is
estimated from the programme's own history: over the lots (points earned or added by an
adjustment) recorded at least ``settled_months`` ago (the programme's expiry in months, else
12), the points the nightly expiry took from them divided by the points redeemed or expired
from them; a redemption given back counts as not redeemed, and points taken back by a
cancelled or returned order count as neither. Each point weighs the same (a lot of 1,000
points weighs 100 times one of 10). Points still left in those lots are not counted: their
fate is not known yet. The estimate is shown only when it rests on at least MIN_BASIS points.

:func:`figures` computes them all at one moment; the page and the export read them as kept
(patron.loyalty.liability_snapshot), since at 20,000,000 entries the sums take half a minute.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from patron.home.periods import add_months, midnight, month_bounds
from patron.loyalty.models import Account, Allocation, Entry, Programme, Tier
from patron.scoring.models import Segment
from patron.workspace.clock import business_today, business_zone
from patron.workspace.services import get_workspace

MONTHS = 24
"""Months of earned, redeemed and expired points: this one and the 23 before."""
MIN_BASIS = 10_000
"""Points redeemed or expired from settled lots below which breakage is not estimated."""
SETTLED_MONTHS = 12
"""Age in months of the lots breakage is estimated from, when points do not expire after N months."""
RATE_MONTHS = 12
"""The redemption rates by tier and segment count the last RATE_MONTHS months."""
SHARE = Decimal("0.0001")

EARNED = Q(kind=Entry.Kind.EARN)
REDEEMED = Q(kind=Entry.Kind.REDEEM)
GIVEN_BACK = Q(kind=Entry.Kind.REVERSE, points__gt=0)  # a redemption given back
TAKEN_BACK = Q(kind=Entry.Kind.REVERSE, points__lt=0)  # earned points taken back
EXPIRED = Q(kind=Entry.Kind.EXPIRE)
ADJUSTED = Q(kind=Entry.Kind.ADJUST)


@dataclass(frozen=True)
class Outstanding:
    available: int
    pending: int
    due: int
    point_value: Decimal

    @property
    def total(self):
        return self.available + self.pending + self.due

    @property
    def spendable(self):
        return self.available + self.pending

    @property
    def value(self) -> Decimal:
        """What the points that can still be spent are worth, in the base currency."""
        return self.point_value * self.spendable


@dataclass(frozen=True)
class Breakage:
    """``rate``: expired / (redeemed + expired) points of the lots recorded before ``cutoff``,
    or None when ``basis`` (their redeemed and expired points) is below MIN_BASIS."""

    redeemed: int
    expired: int
    settled_months: int
    cutoff: datetime

    @property
    def basis(self):
        return self.redeemed + self.expired

    @property
    def rate(self) -> Decimal | None:
        if self.basis < MIN_BASIS:
            return None
        return (Decimal(self.expired) / Decimal(self.basis)).quantize(SHARE, ROUND_HALF_UP)


@dataclass(frozen=True)
class Month:
    """Points moved in one business month: ``redeemed`` net of redemptions given back,
    ``taken_back``: earned points taken back (orders cancelled or returned), ``adjusted``: the
    net of Admins' corrections."""

    month: date
    earned: int
    redeemed: int
    expired: int
    taken_back: int
    adjusted: int


@dataclass(frozen=True)
class Rate:
    """Points earned and redeemed (net of what was given back) in the last RATE_MONTHS months
    by the customers of one group now (a tier, or an RFM segment); ``key`` None: none."""

    key: str | None
    name: str
    customers: int
    earned: int
    redeemed: int

    @property
    def rate(self) -> Decimal | None:
        if not self.earned:
            return None
        return (Decimal(self.redeemed) / Decimal(self.earned)).quantize(SHARE, ROUND_HALF_UP)


def point_value():
    return Programme.objects.filter(pk=1).values_list("point_value", flat=True).first() or Decimal(0)


def outstanding(*, now=None) -> Outstanding:
    """The points in the accounts, split by the lots that hold them (see the module docstring)."""
    now = now or timezone.now()
    total = Account.objects.aggregate(total=Sum("points"))["total"] or 0
    split = Entry.objects.filter(remaining__gt=0).aggregate(
        due=Sum("remaining", filter=Q(expires_at__lte=now)),
        pending=Sum(
            "remaining", filter=Q(available_at__gt=now) & (Q(expires_at__gt=now) | Q(expires_at=None))
        ),
    )
    due, pending = split["due"] or 0, split["pending"] or 0
    return Outstanding(available=total - pending - due, pending=pending, due=due, point_value=point_value())


def settled_months():
    months = Programme.objects.filter(pk=1).values_list("expiry_months", flat=True).first()
    return months or SETTLED_MONTHS


def breakage(*, workspace=None) -> Breakage:
    """Expected breakage from the lots recorded at least settled_months() ago (module docstring)."""
    months = settled_months()
    cutoff = midnight(add_months(business_today(workspace), -months), workspace)
    taken = Allocation.objects.filter(lot__created_at__lt=cutoff).aggregate(
        redeemed=Sum("points", filter=Q(entry__kind=Entry.Kind.REDEEM)),
        given_back=Sum("points", filter=Q(entry__kind=Entry.Kind.REVERSE, points__lt=0)),
        expired=Sum("points", filter=Q(entry__kind=Entry.Kind.EXPIRE)),
    )
    return Breakage(
        redeemed=(taken["redeemed"] or 0) + (taken["given_back"] or 0),
        expired=taken["expired"] or 0,
        settled_months=months,
        cutoff=cutoff,
    )


def net_liability(points: Outstanding, estimate: Breakage) -> Decimal | None:
    """The value of the spendable points less the share expected to break; None without an
    estimate."""
    if estimate.rate is None:
        return None
    return points.value * (1 - estimate.rate)


def per_month(*, months=MONTHS, workspace=None) -> list[Month]:
    """Points earned, redeemed, expired, taken back and adjusted in each of the last ``months``
    business months (this one last), by when each entry was recorded."""
    bounds = month_bounds(business_today(workspace), months, workspace)
    rows = (
        Entry.objects.filter(created_at__gte=bounds[0], created_at__lt=bounds[-1])
        .annotate(month=TruncMonth("created_at", tzinfo=business_zone(workspace)))
        .values("month")
        .annotate(
            earned=Sum("points", filter=EARNED),
            redeemed=Sum("points", filter=REDEEMED),
            given_back=Sum("points", filter=GIVEN_BACK),
            expired=Sum("points", filter=EXPIRED),
            taken_back=Sum("points", filter=TAKEN_BACK),
            adjusted=Sum("points", filter=ADJUSTED),
        )
        .order_by("month")
    )
    found = {_day(row["month"]): row for row in rows}
    result = []
    for start in bounds[:-1]:
        row = found.get(start.date(), {})
        result.append(
            Month(
                month=start.date(),
                earned=row.get("earned") or 0,
                redeemed=-(row.get("redeemed") or 0) - (row.get("given_back") or 0),
                expired=-(row.get("expired") or 0),
                taken_back=-(row.get("taken_back") or 0),
                adjusted=row.get("adjusted") or 0,
            )
        )
    return result


def _day(month):
    return month.date() if isinstance(month, datetime) else month


def _rate_rows(group, *, workspace=None):
    """{group key: (customers, earned, redeemed)}: the customers with a points account, and the
    points they earned and redeemed in the last RATE_MONTHS months, by ``group`` (a path from a
    customer to their tier or segment now; None: none)."""
    since = midnight(add_months(business_today(workspace), -RATE_MONTHS), workspace)
    rows = (
        Entry.objects.filter(created_at__gte=since)
        .filter(EARNED | REDEEMED | GIVEN_BACK)
        .values(group_key=F(f"customer__{group}"))
        .annotate(
            earned=Sum("points", filter=EARNED),
            redeemed=Sum("points", filter=REDEEMED),
            given_back=Sum("points", filter=GIVEN_BACK),
        )
        .order_by()
    )
    sums = {}
    for row in rows:
        sums[row["group_key"]] = (row["earned"] or 0, -(row["redeemed"] or 0) - (row["given_back"] or 0))
    members = Account.objects.values(group_key=F(f"customer__{group}")).annotate(n=Count("pk")).order_by()
    counts = {row["group_key"]: row["n"] for row in members}
    return {key: (counts.get(key, 0), *sums.get(key, (0, 0))) for key in {*sums, *counts}}


def by_tier(*, workspace=None) -> list[Rate]:
    """Redemption by the customers of each tier now, highest first, then of none."""
    rows = _rate_rows("loyalty_membership__tier", workspace=workspace)
    rates = [
        Rate(str(pk), name, *rows.get(pk, (0, 0, 0)))
        for pk, name in Tier.objects.order_by("-threshold").values_list("pk", "name")
    ]
    return [*rates, Rate(None, "", *rows.get(None, (0, 0, 0)))]


def by_segment(*, workspace=None) -> list[Rate]:
    """Redemption by the customers of each RFM segment at the last scoring, then of none
    (never scored: no purchase yet, or none before the last scoring)."""
    rows = _rate_rows("score__segment", workspace=workspace)
    rates = [
        Rate(segment.value, str(segment.label), *rows.get(segment.value, (0, 0, 0))) for segment in Segment
    ]
    return [*rates, Rate(None, "", *rows.get(None, (0, 0, 0)))]


@dataclass(frozen=True)
class Figures:
    """Every figure of the loyalty page and its export, computed at ``as_of``; amounts are in
    ``currency``, the base currency then."""

    as_of: datetime
    currency: str
    points: Outstanding
    breakage: Breakage
    months: tuple[Month, ...]
    tiers: tuple[Rate, ...]
    segments: tuple[Rate, ...]

    @property
    def net(self) -> Decimal | None:
        return net_liability(self.points, self.breakage)


def figures(*, workspace=None) -> Figures:
    """Every figure, now: the sums over the whole ledger (seconds at millions of entries)."""
    workspace = workspace or get_workspace()
    now = timezone.now()
    return Figures(
        as_of=now,
        currency=workspace.currency,
        points=outstanding(now=now),
        breakage=breakage(workspace=workspace),
        months=tuple(per_month(workspace=workspace)),
        tiers=tuple(by_tier(workspace=workspace)),
        segments=tuple(by_segment(workspace=workspace)),
    )
