from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from patron.customers.tests.factories import make_customer
from patron.sales.models import Order
from patron.sales.services import LineData, order_create, product_upsert
from patron.workspace.models import ExchangeRate
from patron.workspace.money import Money, MoneyError, format_money, minor_units, quantize

BANGKOK = ZoneInfo("Asia/Bangkok")


def test_minor_units_per_currency():
    assert minor_units("VND") == 0
    assert minor_units("THB") == 2
    assert minor_units("KWD") == 3


def test_floats_are_refused():
    with pytest.raises(MoneyError):
        quantize(0.1, "THB")


def test_unknown_currency_is_refused():
    with pytest.raises(MoneyError):
        Money(Decimal("1"), "XYZ")


def test_money_rounds_half_even_to_minor_units():
    assert Money("10.005", "THB").amount == Decimal("10.00")
    assert Money("10.015", "THB").amount == Decimal("10.02")
    assert Money("1500.5", "VND").amount == Decimal("1500")


@pytest.mark.parametrize(
    ("amount", "currency", "locale", "text"),
    [
        ("1234.5", "THB", "th", "฿1,234.50"),
        ("1234567", "VND", "vi", "1.234.567\xa0₫"),
        ("1234.5", "TRY", "tr", "₺1.234,50"),
        ("1234.5", "PHP", "fil", "₱1,234.50"),
    ],
)
def test_money_is_formatted_for_the_locale(amount, currency, locale, text):
    assert format_money(Decimal(amount), currency, locale) == text


@pytest.fixture
def juan(somchai, thai_shop):
    return make_customer(somchai, "juan")


def placed(day=1):
    return datetime(2025, 3, day, 10, 0, tzinfo=BANGKOK)


def test_order_total_from_lines(somchai, juan):
    product_upsert(sku="TEA-1", name="ชาเขียว", by=somchai)
    order = order_create(
        customer=juan,
        placed_at=placed(),
        channel="store",
        by=somchai,
        lines=[LineData("TEA-1", 3, Decimal("45.50"))],
    )
    assert order.total == Decimal("136.50") and order.currency == "THB"
    assert order.total_base == order.total


def test_foreign_currency_without_rate_is_rejected_with_a_clear_message(somchai, juan):
    with pytest.raises(ValidationError) as caught:
        order_create(
            customer=juan, placed_at=placed(), channel="web", currency="USD", total="10.00", by=somchai
        )
    message = caught.value.message_dict["currency"][0]
    # The day as the reader reads it (English here; Thai readers get the Buddhist era).
    assert "USD" in message and "THB" in message and "Mar 1, 2025" in message
    assert not Order.objects.exists()


def test_foreign_currency_with_rate_for_its_date_is_converted(somchai, juan):
    ExchangeRate.objects.create(currency="USD", date=date(2025, 3, 1), rate=Decimal("33.9512"))
    order = order_create(
        customer=juan, placed_at=placed(), channel="web", currency="USD", total="10.00", by=somchai
    )
    assert order.total == Decimal("10.00")
    assert order.total_base == Decimal("339.51")


def test_rate_of_another_day_does_not_count(somchai, juan):
    ExchangeRate.objects.create(currency="USD", date=date(2025, 3, 2), rate=Decimal("34"))
    with pytest.raises(ValidationError):
        order_create(
            customer=juan, placed_at=placed(1), channel="web", currency="USD", total="10", by=somchai
        )


def test_amount_finer_than_minor_unit_is_rejected(somchai, juan):
    ExchangeRate.objects.create(currency="VND", date=date(2025, 3, 1), rate=Decimal("0.00135"))
    with pytest.raises(ValidationError) as caught:
        order_create(
            customer=juan, placed_at=placed(), channel="web", currency="VND", total="1000.5", by=somchai
        )
    assert "total" in caught.value.message_dict


def test_duplicate_external_id_from_one_source_is_rejected(somchai, juan):
    order_create(customer=juan, placed_at=placed(), channel="web", total="5", external_id="A-1", by=somchai)
    with pytest.raises(ValidationError) as caught:
        order_create(
            customer=juan, placed_at=placed(), channel="web", total="5", external_id="A-1", by=somchai
        )
    assert "external_id" in caught.value.message_dict
    assert Order.objects.count() == 1


def test_bad_order_input_names_every_field(somchai, juan):
    with pytest.raises(ValidationError) as caught:
        order_create(
            customer=juan,
            placed_at=datetime(2025, 1, 1),
            channel="fax",
            status="lost",
            total="-1",
            lines=[LineData("NOPE", 0, "1")],
            by=somchai,
        )
    assert {"channel", "status", "placed_at", "total", "lines.0.sku", "lines.0.quantity"} <= set(
        caught.value.message_dict
    )
