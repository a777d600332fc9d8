from datetime import datetime
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from patron.api_auth import needs
from patron.api_schemas import (
    ONE_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    DateTime,
    Id,
    In,
    ListOut,
    ListQuery,
    PathId,
    QueryId,
    api_enum,
)
from patron.customers.models import Customer
from patron.pagination import keyset_page
from patron.sales.models import Order
from patron.sales.selectors import order_list
from patron.sales.services import LineData, order_create
from patron.sales.status import order_status_change, shown_status, shown_status_is, with_returned

router = Router(tags=["orders"])

OrderStatus = api_enum("OrderStatus", Order.Status)
SalesChannel = api_enum("SalesChannel", Order.SalesChannel)


class LineOut(Schema):
    sku: str
    name: str
    quantity: Decimal
    unit_price: Decimal


class OrderOut(Schema):
    id: int
    customer: int
    source: str
    external_id: str
    placed_at: datetime
    status: OrderStatus
    channel: SalesChannel
    currency: str
    total: Decimal = Field(description="In the order's currency, as a decimal string")
    total_base: Decimal = Field(description="In the workspace's base currency")
    returned: Decimal = Field(
        description="What its returns gave back so far, in the order's currency; status is "
        '"returned" once this is the whole total'
    )
    return_of: int | None = Field(description="For a return recorded against an order: that order")
    lines: list[LineOut]


class LineIn(In):
    sku: str = Field(min_length=1, max_length=64)
    quantity: Decimal = Field(gt=0, max_digits=12, decimal_places=3)
    unit_price: Decimal = Field(ge=0, max_digits=18, decimal_places=4)


class OrderIn(In):
    customer: Id
    placed_at: DateTime
    channel: SalesChannel
    status: OrderStatus = OrderStatus.COMPLETED
    currency: str | None = Field(
        None, min_length=3, max_length=3, description="ISO 4217; default: base currency"
    )
    total: Decimal | None = Field(
        None, ge=0, max_digits=18, decimal_places=4, description="Default: sum of lines"
    )
    external_id: str = Field("", max_length=100)
    source: str = Field("api", min_length=1, max_length=50)
    lines: list[LineIn] = []


# The statuses an order can be changed to (patron.sales.status.CHANGES).
StatusChange = api_enum(
    "OrderStatusChange", [Order.Status.CANCELLED, Order.Status.REFUNDED, Order.Status.RETURNED]
)


class OrderStatusIn(In):
    status: StatusChange
    # Checked by the service (positive, in the currency's minor unit, no more than is left), so
    # that each refusal is said in the user's language.
    amount: Decimal | None = Field(
        None,
        description='For a partial return, in the order\'s currency, as a decimal string ("350.00"); '
        "without it a return gives back all that is left",
    )


class OrderFilters(ListQuery):
    customer: QueryId | None = None
    status: OrderStatus | None = None
    channel: SalesChannel | None = None
    since: DateTime | None = None
    until: DateTime | None = None


def order_out(order):
    return {
        "id": order.pk,
        "customer": order.customer_id,
        "source": order.source,
        "external_id": order.external_id,
        "placed_at": order.placed_at,
        "status": shown_status(order, order.returned),
        "channel": order.channel,
        "currency": order.currency,
        "total": order.total,
        "total_base": order.total_base,
        "returned": order.returned,
        "return_of": order.return_of_id,
        "lines": [
            {
                "sku": line.product.sku,
                "name": line.product.name,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
            }
            for line in order.lines.all()
        ],
    }


@router.get("", auth=needs("sales.view_order"), response={200: ListOut[OrderOut], **READ_ERRORS})
def list_orders(request, filters: Query[OrderFilters]):
    """Orders, latest first. `status` is the status each order shows: an order returned in full
    is listed under "returned" (with the return documents), not under "completed"."""
    orders = with_returned(order_list(channel=filters.channel, since=filters.since, until=filters.until))
    if filters.status:
        orders = shown_status_is(orders, filters.status)
    orders = orders.prefetch_related("lines__product")
    if filters.customer is not None:
        orders = orders.filter(customer_id=filters.customer)
    page = keyset_page(orders, cursor=filters.cursor, limit=filters.limit)
    return {"items": [order_out(o) for o in page.items], "next": page.next}


@router.post("", auth=needs("sales.add_order"), response={201: OrderOut, **WRITE_ERRORS})
def create_order(request, payload: OrderIn):
    customer = get_object_or_404(Customer, pk=payload.customer)
    order = order_create(
        customer=customer,
        placed_at=payload.placed_at,
        channel=payload.channel.value,
        status=payload.status.value,
        currency=payload.currency,
        total=payload.total,
        external_id=payload.external_id,
        source=payload.source,
        by=request.user,
        lines=[
            LineData(sku=line.sku, quantity=line.quantity, unit_price=line.unit_price)
            for line in payload.lines
        ],
    )
    return Status(201, order_out(_one(order.pk)))


def _one(order_id):
    return get_object_or_404(with_returned(Order.objects.prefetch_related("lines__product")), pk=order_id)


@router.get("/{order_id}", auth=needs("sales.view_order"), response={200: OrderOut, **ONE_ERRORS})
def get_order(request, order_id: PathId):
    return order_out(_one(order_id))


@router.patch("/{order_id}", auth=needs("sales.change_order"), response={200: OrderOut, **WRITE_ERRORS})
def change_order_status(request, order_id: PathId, payload: OrderStatusIn):
    """Cancel, refund or return an order (patron.sales.status). A return, in full or in part
    (`amount`), is recorded as an order of its own with status "returned" and `return_of` this
    order, which keeps its status and shows `returned`; it is "returned" once nothing is left.
    A change that is not possible (cancelling a refunded order, returning more than is left, an
    amount finer than the currency's minor unit) is answered 422 at `status` or `amount`."""
    order = get_object_or_404(Order, pk=order_id)
    order_status_change(order=order, status=payload.status.value, amount=payload.amount, by=request.user)
    return order_out(_one(order_id))
