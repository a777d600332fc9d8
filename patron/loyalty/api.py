"""A customer's points through the API: their standing, their entries, a redemption and an
Admin's adjustment, through the same ledger services as the customer page.

A redemption or an adjustment carries an ``Idempotency-Key`` header: the same key sent again by
the same user (a retry after a lost answer, a till that sends twice) answers what the first one
answered and moves nothing; the same key with another body is refused. A refused request (not
enough points) writes nothing, so its key may be sent again.
"""

from datetime import datetime
from typing import Annotated

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Header, Query, Router, Schema, Status
from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

from patron.actors import actor_text
from patron.api_auth import needs
from patron.api_schemas import ONE_ERRORS, WRITE_ERRORS, In, ListOut, ListQuery, Message, PathId
from patron.customers.selectors import customer_or_404
from patron.loyalty.ledger import KeyReused, NotEnoughPoints
from patron.loyalty.staff_moves import MOST_POINTS, points_message, points_move
from patron.loyalty.standing import balance_after, entries_of, standing_of
from patron.pagination import keyset_page

router = Router(tags=["loyalty"])

KEY_LENGTH = 100
"""The longest Idempotency-Key taken (the ledger's keys hold it with the user's id in front)."""


def _points(*, signed):
    def check(value):
        whole = isinstance(value, int) and not isinstance(value, bool)
        if whole and (value != 0 if signed else value > 0) and abs(value) <= MOST_POINTS:
            return value
        raise PydanticCustomError("value_error", points_message(signed=signed))

    return BeforeValidator(check)


def _text(message):
    """Text of at most 500 characters, or ``message`` (the ledger checks an adjustment's more)."""

    def check(value):
        if isinstance(value, str) and len(value) <= 500:
            return value
        raise PydanticCustomError("value_error", str(message))

    return BeforeValidator(check)


# Missing points are checked like wrong ones (validate_default), so that the refusal is said
# in the caller's language rather than in pydantic's English.
class RedeemIn(In):
    points: Annotated[int, _points(signed=False)] = Field(
        None, validate_default=True, description="Required: whole points to spend, above 0"
    )
    reason: Annotated[
        str, _text(gettext_lazy("Say what the points were spent on in at most 500 characters."))
    ] = Field("", description="What they were spent on, if anything")


class AdjustIn(In):
    points: Annotated[int, _points(signed=True)] = Field(
        None,
        validate_default=True,
        description="Required: whole points to add (above 0) or take away (below 0)",
    )
    reason: Annotated[str, _text(gettext_lazy("Give a reason of 1 to 500 characters."))] = Field(
        "", description="Required: why, in 1 to 500 characters"
    )


class ExpiringOut(Schema):
    points: int
    at: datetime


class StandingOut(Schema):
    customer: int
    balance: int = Field(description="Points that can be spent now")
    pending: int = Field(description="Points earned that can be spent once their pending period ends")
    due: int = Field(description="Points past their expiry, taken by the next nightly expiry")
    tier: str | None
    tier_since: datetime | None
    tier_progress: str | None = Field(
        description="The way to the next tier, or to keeping this one, in words"
    )
    expiring: list[ExpiringOut] = Field(description="Points with an expiry ahead, soonest first")


class ActorOut(Schema):
    kind: str = Field(description='"staff", "customer" or "system"')
    user: str | None = Field(description="User name of the staff member, or of who asked a job")
    job: str
    text: str = Field(description="Who, in words, in the reader's language")


class EntryOut(Schema):
    id: int
    kind: str = Field(description='"earn", "redeem", "expire", "adjust" or "reverse"')
    points: int = Field(description="Signed: added above 0, taken below 0")
    order: int | None
    reverses: int | None = Field(description="The entry a reversal takes back or gives back")
    reason: str
    actor: ActorOut
    when: datetime
    available_at: datetime
    expires_at: datetime | None


class MovedOut(Schema):
    entry: EntryOut
    balance: int = Field(description="Points that could be spent right after this entry")
    pending: int
    due: int


def entry_out(entry):
    return {
        "id": entry.pk,
        "kind": entry.kind,
        "points": entry.points,
        "order": entry.order_id,
        "reverses": entry.reverses_id,
        "reason": entry.reason,
        "actor": {
            "kind": entry.actor_kind,
            "user": entry.actor.get_username() if entry.actor_id else None,
            "job": entry.actor_job,
            "text": actor_text(entry.actor_kind, entry.actor, entry.actor_job),
        },
        "when": entry.created_at,
        "available_at": entry.available_at,
        "expires_at": entry.expires_at,
    }


def moved_out(entry):
    # A redemption just made carries the balance it left (ledger.points_redeem); an entry found
    # again by its key, or an adjustment, has it worked out from the ledger.
    balance = getattr(entry, "balance", None) or balance_after(entry)
    return {
        "entry": entry_out(entry),
        "balance": balance.available,
        "pending": balance.pending,
        "due": balance.due,
    }


def _key_error(message):
    return Status(
        422, {"detail": [{"loc": ["header", "Idempotency-Key"], "msg": message, "type": "value_error"}]}
    )


def _checked_key(request, key):
    """The ledger's key for this user's ``Idempotency-Key``; (None, the 422) when it is missing or unfit."""
    if key is None or not key.strip():
        return None, _key_error(
            _("Send an Idempotency-Key header: a text of your own, new for each redemption or adjustment.")
        )
    if len(key) > KEY_LENGTH or not key.isprintable() or not key.isascii():
        return None, _key_error(
            _("The Idempotency-Key header takes 1 to %(most)d printable ASCII characters.")
            % {"most": KEY_LENGTH}
        )
    return f"api:{request.user.pk}:{key}", None


IdempotencyKey = Header(
    None, alias="Idempotency-Key", description="New for each request; the same on a retry"
)
WRITE_ANSWERS = {**WRITE_ERRORS, 409: Message}


@router.get(
    "/{customer_id}/loyalty", auth=needs("loyalty.view_account"), response={200: StandingOut, **ONE_ERRORS}
)
def customer_loyalty(request, customer_id: PathId):
    """The customer's points now: `balance` can be spent, `pending` once their pending period ends."""
    customer = customer_or_404(customer_id)
    standing = standing_of(customer)
    return {
        "customer": customer.pk,
        "balance": standing.balance.available,
        "pending": standing.balance.pending,
        "due": standing.balance.due,
        "tier": standing.tier,
        "tier_since": standing.tier_since,
        "tier_progress": str(standing.progress) if standing.progress else None,
        "expiring": [{"points": e.points, "at": e.at} for e in standing.expiring],
    }


@router.get(
    "/{customer_id}/loyalty/entries",
    auth=needs("loyalty.view_entry"),
    response={200: ListOut[EntryOut], **ONE_ERRORS},
)
def customer_loyalty_entries(request, customer_id: PathId, filters: Query[ListQuery]):
    """Every move of the customer's points, newest first, each with its cause: the order, the
    entry it reverses, the reason staff gave, and who made it."""
    customer = customer_or_404(customer_id)
    page = keyset_page(entries_of(customer), cursor=filters.cursor, limit=filters.limit)
    return {"items": [entry_out(entry) for entry in page.items], "next": page.next}


@router.post(
    "/{customer_id}/loyalty/redeem",
    auth=needs("loyalty.redeem_points"),
    response={201: MovedOut, **WRITE_ANSWERS},
)
def customer_loyalty_redeem(
    request, customer_id: PathId, payload: RedeemIn, idempotency_key: str | None = IdempotencyKey
):
    """Spend points that can be spent now, soonest-expiring first: 201 with the entry and the
    balance after it; 409 when the balance is too small (nothing is spent)."""
    return _move(request, "redeem", customer_id, payload, idempotency_key)


@router.post(
    "/{customer_id}/loyalty/adjust",
    auth=needs("loyalty.adjust_points"),
    response={201: MovedOut, **WRITE_ANSWERS},
)
def customer_loyalty_adjust(
    request, customer_id: PathId, payload: AdjustIn, idempotency_key: str | None = IdempotencyKey
):
    """An Admin's correction, with its reason: points added (spendable now) or taken away;
    409 when taking away more than the customer has (nothing is taken)."""
    return _move(request, "adjust", customer_id, payload, idempotency_key)


def _move(request, kind, customer_id, payload, idempotency_key):
    customer = customer_or_404(customer_id)
    key, refused = _checked_key(request, idempotency_key)
    if refused:
        return refused
    try:
        entry, _created = points_move(
            kind, customer=customer, points=payload.points, reason=payload.reason, key=key, by=request.user
        )
    except NotEnoughPoints as exc:
        return Status(409, {"detail": str(exc)})
    except KeyReused as exc:
        return _key_error(str(exc))
    return Status(201, moved_out(entry))
