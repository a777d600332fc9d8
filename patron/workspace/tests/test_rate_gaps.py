"""The gap list on a known calendar: May 2026, in Bangkok, today Friday 29 May."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from patron.customers.tests.factories import make_customer
from patron.sales.services import order_create
from patron.workspace.models import ExchangeRate
from patron.workspace.rate_gaps import rate_gaps
from patron.workspace.rates import rate_delete

pytestmark = pytest.mark.django_db

TODAY = date(2026, 5, 29)  # a Friday
MAY = [date(2026, 5, d) for d in range(1, 30)]
WEEKDAYS = [d for d in MAY if d.weekday() < 5]


@pytest.fixture
def may(somchai, thai_shop):
    """USD has a rate on every weekday from 1 to 15 May but the 5th and the 12th; EUR had one on
    Saturday 16 May, when an order was placed in EUR (at 03:00 in Bangkok, still the 15th in
    UTC), and it was deleted afterwards."""
    for day in WEEKDAYS:
        if day <= date(2026, 5, 15) and day not in (date(2026, 5, 5), date(2026, 5, 12)):
            ExchangeRate.objects.create(currency="USD", date=day, rate=Decimal("32.5"))
    ExchangeRate.objects.create(currency="EUR", date=date(2026, 5, 16), rate=Decimal("37.1"))
    order_create(
        customer=make_customer(somchai, "somsri"),
        placed_at=datetime(2026, 5, 15, 20, 0, tzinfo=UTC),
        channel="web",
        currency="EUR",
        total="10",
        by=somchai,
    )
    rate_delete(currency="EUR", day=date(2026, 5, 16), by=somchai)


def test_missing_working_days_by_currency_and_month(somchai, may):
    gaps = {gap.currency: gap for gap in rate_gaps(by=somchai, today=TODAY)}
    assert sorted(gaps) == ["EUR", "USD"]

    usd = gaps["USD"]
    late_may = [d for d in WEEKDAYS if d >= date(2026, 5, 18)]
    assert usd.since == date(2026, 5, 1) and usd.order_days == []
    assert [(m.month, m.days) for m in usd.months] == [
        (date(2026, 5, 1), [date(2026, 5, 5), date(2026, 5, 12), *late_may])
    ]
    assert usd.missing == 12 and usd.months[0].runs == [(5, 5), (12, 12), (18, 22), (25, 29)]

    eur = gaps["EUR"]
    assert eur.order_days == [date(2026, 5, 16)]  # the Saturday in Bangkok, not Friday in UTC
    assert eur.since == date(2026, 5, 16) and eur.months[0].days == late_may


def test_gaps_run_across_months_newest_first(somchai, thai_shop):
    ExchangeRate.objects.create(currency="JPY", date=date(2026, 3, 30), rate=Decimal("0.21"))
    gaps = rate_gaps(by=somchai, today=date(2026, 5, 4))
    assert [(m.month, len(m.days)) for m in gaps[0].months] == [
        (date(2026, 5, 1), 2),  # Friday 1 and Monday 4 May
        (date(2026, 4, 1), 22),
        (date(2026, 3, 1), 1),  # Tuesday 31 March
    ]


def test_a_currency_with_every_rate_has_no_gap(somchai, thai_shop):
    start = date(2026, 5, 1)
    ExchangeRate.objects.bulk_create(
        ExchangeRate(currency="USD", date=start + timedelta(days=n), rate=Decimal("32")) for n in range(29)
    )
    assert rate_gaps(by=somchai, today=TODAY) == []


def test_the_page_says_it_in_sentences_orders_first(client, somchai, may, monkeypatch):
    from patron.accounts.services import profile_update

    profile_update(user=somchai, language="en")
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 5, 29, 5, 0, tzinfo=UTC))
    client.force_login(somchai)
    html = client.get(reverse("workspace:rates")).content.decode()
    orders = html.index("Orders in EUR were placed on 1 day that has no rate")
    usd = html.index("Rates missing for USD on 12 days in May 2026")
    eur = html.index("Rates missing for EUR on 10 days in May 2026")
    assert orders < eur < usd or orders < usd < eur
    assert "May 16, 2026" in html[orders : orders + 400]
    assert "5, 12, 18–22, 25–29" in html[usd : usd + 400]
