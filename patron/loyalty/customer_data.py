"""What the loyalty app holds about a customer (see patron/customers/registry.py)."""

from django.db.models import Sum

from patron.customers.erasure import scrubbed
from patron.customers.registry import Holding, OnErase, OnMerge, Traces, register, register_traces
from patron.loyalty.models import (
    Account,
    Card,
    Coupon,
    CouponBatch,
    CouponUse,
    Entry,
    LiabilitySnapshot,
    Membership,
    Referral,
    TierChange,
)


def _recount(*customers):
    """Each account's points summed again from the entries (a merge or its undo moved some)."""
    for customer in customers:
        total = Entry.objects.filter(customer=customer).aggregate(total=Sum("points"))["total"] or 0
        Account.objects.update_or_create(customer_id=customer.pk, defaults={"points": total})


def _merged(*, source, target, moved):
    _recount(source, target)
    return None


def _unmerged(_record, *, source, target):
    _recount(source, target)


def _scrub_reasons(rows, pattern):
    """The ledger stays whole (an erased person's points still count in the liability); the
    words staff wrote about them lose the person's values."""
    for pk, reason in rows.exclude(reason="").values_list("pk", "reason"):
        if (after := scrubbed(reason, pattern)) != reason:
            rows.model.objects.filter(pk=pk).update(reason=after)


# A merge gives the survivor the other record's entries, lots and all; both accounts are then
# summed again. An erasure keeps the entries on the nameless record.
register(
    Holding(
        "loyalty_entries",
        Entry,
        OnMerge.MOVE,
        OnErase.SCRUB,
        customer_fields=("customer", "actor_customer"),
        scrub=_scrub_reasons,
    )
)
register(
    Holding(
        "loyalty_accounts", Account, OnMerge.RECOMPUTE, OnErase.ANONYMISE, move=_merged, put_back=_unmerged
    )
)

# Tiers are worked out again from the ledger and orders (the tier service); their history and
# a referral stay with the record they were about. Coupons given to a person, their uses and
# their card go to the survivor; an erased person's uses still count against a code's limit.
register(Holding("loyalty_memberships", Membership, OnMerge.KEEP, OnErase.DELETE))
register(
    Holding(
        "loyalty_tier_changes",
        TierChange,
        OnMerge.KEEP,
        OnErase.SCRUB,
        customer_fields=("customer", "actor_customer"),
        scrub=_scrub_reasons,
    )
)
register(
    Holding(
        "loyalty_referrals",
        Referral,
        OnMerge.KEEP,
        OnErase.ANONYMISE,
        customer_fields=("referrer", "referred", "actor_customer"),
    )
)
register(Holding("loyalty_coupons", Coupon, OnMerge.MOVE, OnErase.ANONYMISE))
register(
    Holding(
        "loyalty_coupon_uses",
        CouponUse,
        OnMerge.MOVE,
        OnErase.ANONYMISE,
        customer_fields=("customer", "actor_customer"),
    )
)
register(Holding("loyalty_cards", Card, OnMerge.KEEP, OnErase.DELETE))
# A batch's segment is a customer filter, whose search may be a person's name or phone.
register_traces(Traces(CouponBatch, ("segment",)))
register_traces(
    Traces(LiabilitySnapshot, ("figures",), personal=False, why="sums of the whole programme, tiers' names")
)
