"""Referrals through the API: who referred a customer, recorded by the same service as the
customer page (earning.referral_record), and whom a customer referred."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from patron.api_auth import needs
from patron.api_schemas import ONE_ERRORS, WRITE_ERRORS, Id, In, ListOut, ListQuery, PathId
from patron.customers.models import Customer
from patron.customers.selectors import customer_or_404
from patron.loyalty.earning import referral_record
from patron.loyalty.models import Referral
from patron.loyalty.referral_views import RECORD
from patron.pagination import keyset_page

router = Router(tags=["loyalty"])


class ReferralIn(In):
    referrer: Id = Field(description="Required: the id of the customer who referred this one")


class ReferralOut(Schema):
    id: int
    referrer: int
    referred: int
    created_at: datetime
    paid: bool = Field(
        description="Whether the referrer's bonus is paid (at the referred's first completed order)"
    )
    paid_points: int | None = Field(description="The bonus paid, in points")
    paid_at: datetime | None


def referral_out(referral):
    paid = referral.paid
    return {
        "id": referral.pk,
        "referrer": referral.referrer_id,
        "referred": referral.referred_id,
        "created_at": referral.created_at,
        "paid": paid is not None,
        "paid_points": paid.points if paid else None,
        "paid_at": paid.created_at if paid else None,
    }


@router.post(
    "/{customer_id}/loyalty/referral", auth=needs(RECORD), response={201: ReferralOut, **WRITE_ERRORS}
)
def customer_loyalty_referral(request, customer_id: PathId, payload: ReferralIn):
    """Record who referred the customer: the referrer earns the programme's referral bonus when
    this customer's first order completes. 404 for an unknown customer or referrer; 422 when
    the customer refers themselves, was referred already, has bought already, or either was
    merged into another record."""
    customer = customer_or_404(customer_id)
    referrer = get_object_or_404(Customer, pk=payload.referrer)
    try:
        referral = referral_record(referrer=referrer, referred=customer, by=request.user)
    except ValidationError as exc:
        # The service names the referred customer "referred": here, the path's customer.
        places = {"referred": ["path", "customer_id"], "referrer": ["body", "payload", "referrer"]}
        details = [
            {"loc": places[field], "msg": message, "type": "value_error"}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
        return Status(422, {"detail": details})
    return Status(201, referral_out(referral))


@router.get(
    "/{customer_id}/loyalty/referrals",
    auth=needs("loyalty.view_referral"),
    response={200: ListOut[ReferralOut], **ONE_ERRORS},
)
def customer_loyalty_referrals(request, customer_id: PathId, filters: Query[ListQuery]):
    """The customers this customer referred, latest first, each with whether its bonus is paid."""
    customer = customer_or_404(customer_id)
    referrals = Referral.objects.filter(referrer=customer).select_related("paid")
    page = keyset_page(referrals, cursor=filters.cursor, limit=filters.limit)
    return {"items": [referral_out(referral) for referral in page.items], "next": page.next}
