"""Business days are the workspace's, whatever time zone is active (a user's, or UTC in a job)."""

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from patron.customers.services import CustomerData, customer_create
from patron.customers.tests.factories import make_customer
from patron.sales.services import order_create
from patron.workspace.clock import business_day, business_today
from patron.workspace.models import ExchangeRate

# 20:00 UTC on 14 May is 03:00 on 15 May in Bangkok, the shop's zone, and 13:00 on 14 May in
# Los Angeles, where its owner happens to be.
EVENING_UTC = datetime(2026, 5, 14, 20, 0, tzinfo=UTC)
ACTIVE_ZONES = ["UTC", "America/Los_Angeles", "Asia/Bangkok"]


@pytest.mark.django_db
@pytest.mark.parametrize("active", ACTIVE_ZONES)
def test_the_business_day_is_the_workspaces(thai_shop, active):
    with timezone.override(ZoneInfo(active)):
        assert business_day(EVENING_UTC) == date(2026, 5, 15)


@pytest.mark.django_db
@pytest.mark.parametrize("active", ACTIVE_ZONES)
def test_an_order_takes_the_rate_of_its_business_day(somchai, thai_shop, active):
    ExchangeRate.objects.create(currency="USD", date=date(2026, 5, 14), rate=Decimal("30"))
    ExchangeRate.objects.create(currency="USD", date=date(2026, 5, 15), rate=Decimal("40"))
    customer = make_customer(somchai, "juan")
    with timezone.override(ZoneInfo(active)):
        order = order_create(
            customer=customer, placed_at=EVENING_UTC, channel="web", currency="USD", total="10", by=somchai
        )
    assert order.total_base == Decimal("400.00")


@pytest.mark.django_db
def test_a_birthday_may_be_the_business_day_even_where_it_is_still_the_day_before(
    somchai, thai_shop, monkeypatch
):
    monkeypatch.setattr(timezone, "now", lambda: EVENING_UTC)
    assert business_today() == date(2026, 5, 15)
    with timezone.override(ZoneInfo("America/Los_Angeles")):
        born_today = customer_create(
            data=CustomerData(display_name="Ploy", birthday=date(2026, 5, 15)), by=somchai
        )
        assert born_today.birthday == date(2026, 5, 15)
        with pytest.raises(ValidationError) as refused:
            customer_create(data=CustomerData(display_name="Fah", birthday=date(2026, 5, 16)), by=somchai)
    assert "birthday" in refused.value.message_dict
