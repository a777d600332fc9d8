"""Coupons in the API: create a batch, list its codes, use a code (patron.loyalty.coupons).

Refusals of a use are said in the language of the token's user (their profile), else in the
request's (Accept-Language): a point-of-sale shows the detail to the cashier as it is.
"""

from datetime import datetime
from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils import translation
from ninja import Query, Router, Schema, Status
from pydantic import Field

from patron.accounts.models import UserProfile
from patron.api_auth import needs
from patron.api_schemas import (
    CREATE_ERRORS,
    ONE_ERRORS,
    WRITE_ERRORS,
    DateTime,
    Id,
    In,
    ListOut,
    ListQuery,
    Message,
    PathId,
    api_enum,
)
from patron.customers.models import Customer
from patron.loyalty.api import IdempotencyKey, _checked_key, _key_error
from patron.loyalty.coupons import (
    MANAGE,
    MAX_COUNT,
    REDEEM,
    CouponKeyReused,
    CouponRefused,
    batch_create,
    coupon_redeem,
)
from patron.loyalty.models import Coupon, CouponBatch
from patron.pagination import keyset_page
from patron.sales.models import Order

router = Router(tags=["coupons"])

CouponUseKind = api_enum("CouponUseKind", CouponBatch.Use)


class BatchIn(In):
    name: str = Field(max_length=100)
    benefit: str = Field(max_length=200, description="What a code gives, in words: 10% off")
    use: CouponUseKind = Field(description="single: once; limited: max_uses times; per_customer: once each")
    max_uses: int | None = Field(None, ge=1, description="Uses per code: required for limited")
    valid_from: DateTime | None = None
    valid_to: DateTime | None = None
    min_spend: Decimal | None = Field(
        None, ge=0, max_digits=18, decimal_places=4, description="In the base currency, as a decimal string"
    )
    segment: dict = Field(
        default_factory=dict,
        description='A customer filter, as GET /api/customers takes it: {"tag": "VIP"}; {} for everyone',
    )
    count: int = Field(ge=1, le=MAX_COUNT, description="How many codes to generate")


class CodeOut(Schema):
    id: int
    code: str
    customer: int | None = Field(description="The customer it was given to, if any")
    uses: int = Field(description="Uses not given back")
    created_at: datetime


class BatchOut(Schema):
    id: int
    name: str
    benefit: str
    use: CouponUseKind
    max_uses: int | None
    valid_from: datetime | None
    valid_to: datetime | None
    min_spend: Decimal | None
    segment: dict
    codes: list[str]


class CouponRedeemIn(In):
    customer: Id
    order: Id | None = None


class UseOut(Schema):
    id: int
    code: str
    customer: int
    order: int | None
    used_at: datetime
    uses: int = Field(description="The code's uses now")
    uses_left: int | None = Field(description="How many more times the code may be used; null: no limit")


class RefusedOut(Schema):
    detail: str
    reason: str = Field(
        description="unknown, not_yet_valid, expired, used_up, used_by_customer, other_customer, "
        "used_on_order, below_minimum or not_in_segment"
    )


@router.post("/batches", auth=needs(MANAGE), response={201: BatchOut, **CREATE_ERRORS})
def create_batch(request, payload: BatchIn):
    """A batch of `count` unguessable codes (ACEF-GHJK-MNPQ), with its rules."""
    batch = batch_create(
        name=payload.name,
        benefit=payload.benefit,
        use=payload.use.value,
        max_uses=payload.max_uses,
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
        min_spend=payload.min_spend,
        segment=payload.segment,
        count=payload.count,
        by=request.user,
    )
    codes = list(batch.coupons.order_by("code").values_list("code", flat=True))
    return Status(201, _batch_out(batch, codes))


def _batch_out(batch, codes):
    fields = ("id", "name", "benefit", "use", "max_uses", "valid_from", "valid_to", "min_spend", "segment")
    return {**{name: getattr(batch, name) for name in fields}, "codes": codes}


@router.get(
    "/batches/{batch_id}/codes",
    auth=needs("loyalty.view_coupon"),
    response={200: ListOut[CodeOut], **ONE_ERRORS},
)
def list_codes(request, batch_id: PathId, filters: Query[ListQuery]):
    """The batch's codes, latest first, with their uses."""
    batch = get_object_or_404(CouponBatch, pk=batch_id)
    page = keyset_page(Coupon.objects.filter(batch=batch), cursor=filters.cursor, limit=filters.limit)
    return {
        "items": [
            {
                "id": c.pk,
                "code": c.code,
                "customer": c.customer_id,
                "uses": c.uses,
                "created_at": c.created_at,
            }
            for c in page.items
        ],
        "next": page.next,
    }


@router.post(
    "/{code}/redeem",
    auth=needs(REDEEM),
    response={201: UseOut, **WRITE_ERRORS, 404: RefusedOut | Message, 409: RefusedOut},
)
def redeem(request, code: str, payload: CouponRedeemIn, idempotency_key: str | None = IdempotencyKey):
    """Use a code for a customer, on an order or at the counter. The same `Idempotency-Key` (per
    token user) again answers the first use and uses nothing; with another code, customer or
    order, 422.
    404 for an unknown code; 409 when the code's rules refuse the use (used up, expired, not
    yet valid, given to another customer, already used by this one or on this order, below the
    minimum spend, not for this customer's segment), with `reason` and `detail`."""
    with translation.override(_language(request)):
        key, refused = _checked_key(request, idempotency_key)
        if refused:
            return refused
        customer = get_object_or_404(Customer, pk=payload.customer)
        order = get_object_or_404(Order, pk=payload.order) if payload.order is not None else None
        try:
            use, _created = coupon_redeem(code=code, customer=customer, order=order, key=key, by=request.user)
        except CouponRefused as refused:
            status = 404 if refused.reason == "unknown" else 409
            return Status(status, {"detail": refused.message, "reason": refused.reason})
        except CouponKeyReused as reused:
            return _key_error(str(reused))
        coupon = Coupon.objects.select_related("batch").get(pk=use.coupon_id)
    limit = coupon.batch.max_uses
    return Status(
        201,
        {
            "id": use.pk,
            "code": coupon.code,
            "customer": use.customer_id,
            "order": use.order_id,
            "used_at": use.used_at,
            "uses": coupon.uses,
            "uses_left": None if limit is None else max(limit - coupon.uses, 0),
        },
    )


def _language(request):
    profile = UserProfile.objects.filter(user=request.user).only("language").first()
    return (profile and profile.language) or translation.get_language()
