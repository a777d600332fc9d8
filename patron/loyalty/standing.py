"""A customer's standing in the programme, as the API and the customer page show it: points
available, pending and due to expire, what expires next, the tier and the entries with their
cause. Read-only: every move of points goes through patron.loyalty.ledger."""

import hashlib
import json
from dataclasses import dataclass

from django.db.models import OuterRef, Q, Subquery, Sum
from django.utils import timezone

from patron.loyalty.ledger import Balance, balance_of
from patron.loyalty.models import Allocation, Card, Coupon, Entry, Membership

EXPIRING_SHOWN = 3
"""Upcoming expiry dates listed, soonest first."""


@dataclass(frozen=True)
class Expiring:
    points: int
    at: object  # the aware datetime at which they expire


@dataclass(frozen=True)
class Standing:
    balance: Balance
    expiring: list[Expiring]
    tier: str | None
    tier_since: object
    progress: object  # what patron.loyalty.tiers.tier_progress says, or None


def standing_of(customer, *, now=None) -> Standing:
    now = now or timezone.now()
    membership = Membership.objects.filter(customer=customer).select_related("tier").first()
    tier = membership.tier if membership else None
    return Standing(
        balance=balance_of(customer, now=now),
        expiring=expiring_of(customer, now=now),
        tier=tier.name if tier else None,
        tier_since=membership.since if tier else None,
        progress=tier_progress_of(customer),
    )


def expiring_of(customer, *, now=None, limit=EXPIRING_SHOWN) -> list[Expiring]:
    """The points left in lots that have an expiry still ahead, per expiry, soonest first."""
    now = now or timezone.now()
    lots = Entry.objects.filter(customer=customer, remaining__gt=0, expires_at__gt=now)
    rows = lots.values("expires_at").annotate(points=Sum("remaining")).order_by("expires_at")[:limit]
    return [Expiring(points=row["points"], at=row["expires_at"]) for row in rows]


def tier_progress_of(customer):
    """The tiers module's word on the customer's progress, when that module offers one."""
    try:
        from patron.loyalty.tiers import tier_progress
    except ImportError:
        return None
    return tier_progress(customer)


def balance_after(entry) -> Balance:
    """The customer's balance as it stood right after ``entry`` (a redemption or an
    adjustment, made at its ``available_at``) was written, from the ledger alone: what a
    request answered then, and answers again when it is sent once more.

    Entries of one customer are written one at a time under their account's lock, so those
    with a lower id are the ones written before; a lot's points left then are its points less
    what entries up to this one took from it."""
    at = entry.available_at
    before = Entry.objects.filter(customer_id=entry.customer_id, pk__lte=entry.pk)
    total = before.aggregate(total=Sum("points"))["total"] or 0
    taken = (
        Allocation.objects.filter(lot=OuterRef("pk"), entry_id__lte=entry.pk)
        .values("lot")
        .annotate(total=Sum("points"))
        .values("total")
    )
    lots = before.filter(points__gt=0).exclude(kind=Entry.Kind.REVERSE)
    lots = lots.filter(Q(available_at__gt=at) | Q(expires_at__lte=at)).annotate(taken=Subquery(taken))
    pending = due = 0
    for points, taken_then, expires_at in lots.values_list("points", "taken", "expires_at"):
        left = points - (taken_then or 0)
        if expires_at is not None and expires_at <= at:
            due += left
        else:
            pending += left
    return Balance(available=total - pending - due, pending=pending, due=due)


def entries_of(customer):
    """The customer's entries, newest first, with what each cause and actor needs."""
    return Entry.objects.filter(customer=customer).select_related("order", "actor").order_by("-pk")


def coupons_of(customer):
    return list(Coupon.objects.filter(customer=customer).select_related("batch").order_by("-created_at")[:20])


def card_of(customer):
    return Card.objects.filter(customer=customer).first()


def fingerprint(operation, customer_id, points, reason):
    """What a request asked, hashed: the same key with another request is refused."""
    asked = json.dumps([operation, customer_id, points, reason], ensure_ascii=False)
    return hashlib.sha256(asked.encode()).hexdigest()
