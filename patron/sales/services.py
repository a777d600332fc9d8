from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from patron.accounts.permissions import require
from patron.sales.events import announce_recorded
from patron.sales.models import Order, OrderLine, Product
from patron.sales.rules import MAX_TOTAL, base_total, exchange_rate, rate_day
from patron.web.dates import format_day
from patron.workspace.money import MoneyError, check_currency, has_more_precision_than, minor_units, quantize
from patron.workspace.services import get_workspace


@dataclass
class LineData:
    sku: str
    quantity: Decimal | str | int
    unit_price: Decimal | str


def _decimal(value, path, errors, *, minimum, strict):
    try:
        if isinstance(value, float):
            raise InvalidOperation
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        errors[path] = [_("%(value)s is not a number.") % {"value": value}]
        return None
    if not number.is_finite() or number < minimum or (strict and number == minimum):
        errors[path] = [
            _("Must be greater than %(minimum)s.") % {"minimum": minimum}
            if strict
            else _("Must not be negative.")
        ]
        return None
    return number


def precision_message(currency):
    digits = minor_units(currency)
    if digits == 0:
        return _("%(currency)s amounts must be whole numbers.") % {"currency": currency}
    return _("%(currency)s amounts have at most %(digits)d decimal places.") % {
        "currency": currency,
        "digits": digits,
    }


NO_RATE = "no_rate"
"""The code of the error at ``currency`` when no exchange rate is known for the order's day."""


def no_rate_message(currency, base, on_date):
    return _(
        "This order is in %(currency)s but the workspace's base currency is "
        "%(base)s, and no %(currency)s exchange rate is known for %(date)s. "
        "Add the rate first, or record the order in %(base)s."
    ) % {"currency": currency, "base": base, "date": format_day(on_date)}


def product_upsert(*, sku, name, category="", by):
    require(by, "sales.add_product")
    sku, name = (sku or "").strip(), (name or "").strip()
    errors = {}
    if not sku or len(sku) > 64:
        errors["sku"] = [_("A SKU has 1 to 64 characters.")]
    if not name or len(name) > 200:
        errors["name"] = [_("A product name has 1 to 200 characters.")]
    if errors:
        raise ValidationError(errors)
    product, _created = Product.objects.update_or_create(
        sku=sku, defaults={"name": name, "category": (category or "").strip()[:100]}
    )
    return product


def order_create(
    *,
    customer,
    placed_at,
    channel,
    currency=None,
    total=None,
    lines=(),
    by,
    status=Order.Status.COMPLETED,
    external_id="",
    source="patron",
):
    """Record an order. An order in a currency other than the base one needs a known
    exchange rate for its date; amounts finer than the currency's minor unit are refused.
    Once recorded and committed, it is announced (:mod:`patron.sales.events`)."""
    require(by, "sales.add_order")
    workspace = get_workspace()
    errors = {}
    try:
        currency = check_currency(currency or workspace.currency)
    except MoneyError:
        errors["currency"] = [
            _("%(code)s is not a currency code: use an ISO 4217 code such as THB.") % {"code": currency}
        ]
        currency = None
    if status not in Order.Status.values:
        errors["status"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(Order.Status.values)}]
    if channel not in Order.SalesChannel.values:
        errors["channel"] = [
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(Order.SalesChannel.values)}
        ]
    if placed_at is None or timezone.is_naive(placed_at):
        errors["placed_at"] = [_("Give the time the order was placed, with its time zone.")]
    elif placed_at > timezone.now() + settings.PATRON_CLOCK_SKEW:
        errors["placed_at"] = [_("An order cannot be placed in the future.")]
    external_id, source = (external_id or "").strip(), (source or "").strip()
    if len(external_id) > 100:
        errors["external_id"] = [_("At most %(limit)d characters.") % {"limit": 100}]
    if not source or len(source) > 50:
        errors["source"] = [_("A source has 1 to 50 characters.")]
    if customer.merged_into_id:
        errors["customer"] = [_("This customer was merged into another one.")]

    cleaned_lines = []
    skus = {line.sku for line in lines}
    products = {p.sku: p for p in Product.objects.filter(sku__in=skus)}
    for index, line in enumerate(lines):
        product = products.get(line.sku)
        if product is None:
            errors[f"lines.{index}.sku"] = [_("No product with SKU %(sku)s.") % {"sku": line.sku}]
        quantity = _decimal(line.quantity, f"lines.{index}.quantity", errors, minimum=0, strict=True)
        price = _decimal(line.unit_price, f"lines.{index}.unit_price", errors, minimum=0, strict=False)
        if currency and price is not None and has_more_precision_than(price, currency):
            errors[f"lines.{index}.unit_price"] = [precision_message(currency)]
        cleaned_lines.append((product, quantity, price))

    if total is None:
        if not lines:
            errors["total"] = [_("Give the order's total, or its lines.")]
        elif not errors:
            total = sum(q * p for _prod, q, p in cleaned_lines)
    else:
        total = _decimal(total, "total", errors, minimum=0, strict=False)
        if currency and total is not None and has_more_precision_than(total, currency):
            errors["total"] = [precision_message(currency)]
    if not errors and (total >= MAX_TOTAL or quantize(total, currency) >= MAX_TOTAL):
        errors["total"] = [_("This total is too large to record.")]
    if errors:
        raise ValidationError(errors)

    total = quantize(total, currency)
    on_date = rate_day(placed_at, workspace)
    rate = exchange_rate(currency, on_date, workspace.currency)
    if rate is None:
        message = no_rate_message(currency, workspace.currency, on_date)
        raise ValidationError({"currency": [ValidationError(message, code=NO_RATE)]})
    total_base = base_total(total, rate, workspace.currency)
    if total_base >= MAX_TOTAL:
        raise ValidationError({"total": [_("This total is too large to record.")]})
    try:
        with transaction.atomic():
            order = Order.objects.create(
                customer=customer,
                source=source,
                external_id=external_id,
                placed_at=placed_at,
                status=status,
                channel=channel,
                currency=currency,
                total=total,
                total_base=total_base,
                exchange_rate=rate,
            )
            OrderLine.objects.bulk_create(
                OrderLine(order=order, product=p, quantity=q, unit_price=price)
                for p, q, price in cleaned_lines
            )
            announce_recorded([order.pk])
    except IntegrityError as exc:
        raise ValidationError(
            {
                "external_id": [
                    _("Order %(id)s from %(source)s is already recorded.")
                    % {"id": external_id, "source": source}
                ]
            }
        ) from exc
    return order
