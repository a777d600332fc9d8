"""The rules of an order (patron.sales.rules), the same for the service and the importer: its
total in the base currency at the rate of its business day, and which statuses count as spend."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from patron.customers.services import CustomerData, customer_create
from patron.imports.orders import import_orders
from patron.sales.models import Order
from patron.sales.selectors import purchase_totals
from patron.sales.services import order_create
from patron.scoring.reading import orders_frame
from patron.workspace.models import ExchangeRate, Workspace

pytestmark = pytest.mark.django_db

# 20:00 UTC on 14 May is 03:00 on 15 May in Bangkok, the shop's zone.
EVENING_UTC = datetime(2026, 5, 14, 20, 0, tzinfo=UTC)


@pytest.fixture
def c1(somchai, thai_shop):
    return customer_create(
        data=CustomerData(display_name="C1", country="TH", external_ids=[("pos", "C1")]), by=somchai
    )


def imported(tmp_path, by, rows, header="order_id,customer_id,date,total,currency", **options):
    path = tmp_path / "orders.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    summary = import_orders(path, by=by, source="pos", rejects_path=tmp_path / "rejects.csv", **options)
    assert summary.rejected == 0, summary.rejects
    return summary


@pytest.mark.parametrize("total", ["10", "10.01", "1234.57"])
def test_the_service_and_the_importer_take_the_rate_of_the_business_day_alike(somchai, c1, tmp_path, total):
    ExchangeRate.objects.create(currency="USD", date=date(2026, 5, 14), rate=Decimal("30"))
    ExchangeRate.objects.create(currency="USD", date=date(2026, 5, 15), rate=Decimal("33.3333"))
    recorded = order_create(
        customer=c1, placed_at=EVENING_UTC, channel="store", currency="USD", total=total, by=somchai
    )
    imported(tmp_path, somchai, [f"U1,C1,2026-05-15 03:00,{total},USD"])
    read = Order.objects.get(external_id="U1")
    assert read.placed_at == recorded.placed_at
    assert (read.total, read.exchange_rate, read.total_base) == (
        recorded.total,
        recorded.exchange_rate,
        recorded.total_base,
    )
    assert recorded.exchange_rate == Decimal("33.3333")
    assert recorded.total_base == (Decimal(total) * Decimal("33.3333")).quantize(Decimal("0.01"))


def test_the_currency_of_the_files_country_is_that_of_the_business_day(somchai, c1, tmp_path, monkeypatch):
    """Croatia's currency was the kuna until 2022 and is the euro since: on the last evening of
    2022 in Los Angeles, the shop's zone, it is already 2023 in UTC and on the machine's clock,
    but the business day is still in 2022."""
    Workspace.objects.filter(pk=1).update(time_zone="America/Los_Angeles")
    monkeypatch.setattr(timezone, "now", lambda: datetime(2023, 1, 1, 6, 0, tzinfo=UTC))
    ExchangeRate.objects.create(currency="HRK", date=date(2022, 12, 30), rate=Decimal("5"))
    imported(
        tmp_path, somchai, ["H1,C1,2022-12-30 10:00,100"], "order_id,customer_id,date,total", country="HR"
    )
    assert Order.objects.values_list("currency", "total_base").get() == ("HRK", Decimal("500.00"))


def test_spend_counts_completed_orders_and_returns_net_against_it(somchai, c1):
    for status, total in [("completed", "100"), ("returned", "30"), ("refunded", "20"), ("cancelled", "10")]:
        order_create(
            customer=c1, placed_at=EVENING_UTC, channel="store", total=total, status=status, by=somchai
        )
    totals = purchase_totals(c1)
    assert (totals["orders"], totals["completed"]) == (4, 1)
    assert (totals["spend"], totals["refunded"]) == (Decimal("100"), Decimal("50"))  # refunds and returns
    assert sorted(orders_frame()["amount"].to_list()) == [-30.0, 100.0]  # scoring: net of the return
