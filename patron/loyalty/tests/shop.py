"""A shop running a points programme, for the earning tests: orders recorded through the sales
services with their on-commit events run, as on a server."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from patron.customers.tests.factories import make_customer
from patron.loyalty.models import Entry
from patron.loyalty.programme import programme_update
from patron.sales.services import LineData, order_create, product_upsert
from patron.sales.status import order_status_change

# The fixtures, for `from patron.loyalty.tests.shop import *` in a test module.
__all__ = ["change", "products", "programme", "record", "somsri"]

PLACED = datetime(2026, 3, 1, 3, 0, tzinfo=UTC)  # 10:00 in Bangkok


@pytest.fixture
def somsri(somchai, thai_shop):
    return make_customer(somchai, "somsri")


@pytest.fixture
def products(somchai):
    return {
        "tea": product_upsert(sku="TEA-1", name="Jasmine tea", category="tea", by=somchai),
        "cup": product_upsert(sku="CUP-1", name="Celadon cup", category="ceramics", by=somchai),
    }


@pytest.fixture
def programme(somchai, thai_shop):
    """Running: 1 point per 10 THB, nothing pending, no expiry, no bonus."""
    return programme_update(by=somchai, active=True, points_per_unit=Decimal("0.1"))


@pytest.fixture
def record(somchai, django_capture_on_commit_callbacks):
    """record(customer, total=..., lines=[(sku, qty, price)], placed_at=...) -> the order,
    recorded with order_create, its events told as after a commit."""

    def make(customer, total=None, lines=(), placed_at=PLACED, **options):
        with django_capture_on_commit_callbacks(execute=True):
            return order_create(
                customer=customer,
                placed_at=placed_at,
                channel="store",
                total=total,
                lines=[LineData(sku, str(qty), str(price)) for sku, qty, price in lines],
                by=somchai,
                **options,
            )

    return make


@pytest.fixture
def change(somchai, django_capture_on_commit_callbacks):
    """change(order, "cancelled" | "refunded" | "returned", amount=None) through the status service."""

    def make(order, status, amount=None):
        with django_capture_on_commit_callbacks(execute=True):
            return order_status_change(order=order, status=status, amount=amount, by=somchai)

    return make


def earned(customer, kind=Entry.Kind.EARN):
    """The points of the customer's entries of ``kind``, oldest first."""
    return list(
        Entry.objects.filter(customer=customer, kind=kind).order_by("pk").values_list("points", flat=True)
    )
