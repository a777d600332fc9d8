"""/api/orders through the HTTP API: lines, currencies and the filters of the list."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from patron.conftest import with_token
from patron.customers.tests.factories import make_customer
from patron.sales.services import LineData, order_create, product_upsert
from patron.workspace.models import ExchangeRate

pytestmark = pytest.mark.django_db

PLACED_AT = "2024-05-01T09:30:00+07:00"


@pytest.fixture
def api(client, somchai, thai_shop):
    return with_token(client, somchai)


@pytest.fixture
def somsri(somchai, thai_shop):
    return make_customer(somchai, "somsri")


@pytest.fixture
def juan(somchai, thai_shop):
    return make_customer(somchai, "juan")


@pytest.fixture
def products(somchai):
    return [
        product_upsert(sku="TEA-JASMINE", name="Jasmine tea", by=somchai),
        product_upsert(sku="CUP-CELADON", name="Celadon cup", by=somchai),
    ]


def post(api, body):
    return api.post("/api/orders", body, content_type="application/json")


def an_order(customer, **changes):
    return {
        "customer": customer.pk,
        "placed_at": PLACED_AT,
        "channel": "store",
        "lines": [
            {"sku": "TEA-JASMINE", "quantity": 2, "unit_price": "120.00"},
            {"sku": "CUP-CELADON", "quantity": "1", "unit_price": 350},
        ],
        **changes,
    }


def test_create_with_lines_totals_them_in_base_currency(api, somsri, products):
    response = post(api, an_order(somsri))
    assert response.status_code == 201
    order = response.json()
    assert order["customer"] == somsri.pk
    assert order["currency"] == "THB"
    assert Decimal(order["total"]) == Decimal("590.00")
    assert Decimal(order["total_base"]) == Decimal("590.00")
    assert [(line["sku"], line["name"], Decimal(line["quantity"])) for line in order["lines"]] == [
        ("TEA-JASMINE", "Jasmine tea", Decimal(2)),
        ("CUP-CELADON", "Celadon cup", Decimal(1)),
    ]


def test_created_order_reads_back_the_same(api, somsri, products):
    created = post(api, an_order(somsri, external_id="POS-1001")).json()
    fetched = api.get(f"/api/orders/{created['id']}").json()
    assert fetched["external_id"] == "POS-1001"
    assert Decimal(fetched["total"]) == Decimal(created["total"])
    assert len(fetched["lines"]) == 2


def test_foreign_currency_without_rate_is_422_at_currency(api, somsri, products):
    response = post(api, an_order(somsri, currency="USD", lines=[], total="25.00"))
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "payload", "currency"]
    assert "USD" in error["msg"] and "THB" in error["msg"] and "rate" in error["msg"]


def test_foreign_currency_with_rate_is_converted(api, somsri, products):
    ExchangeRate.objects.create(currency="USD", date=date(2024, 5, 1), rate=Decimal("36.5"))
    response = post(api, an_order(somsri, currency="USD", lines=[], total="10.00"))
    assert response.status_code == 201
    assert Decimal(response.json()["total_base"]) == Decimal("365.00")


def test_unknown_currency_is_422_at_currency(api, somsri, products):
    response = post(api, an_order(somsri, currency="XYZ"))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "currency"]


def test_unknown_sku_is_422_at_its_line(api, somsri, products):
    body = an_order(somsri)
    body["lines"][1]["sku"] = "NO-SUCH-THING"
    response = post(api, body)
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [["body", "payload", "lines", 1, "sku"]]


def test_order_in_the_future_is_422_at_placed_at(api, somsri, products):
    tomorrow = (timezone.now() + timedelta(days=1)).isoformat()
    response = post(api, an_order(somsri, placed_at=tomorrow))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "placed_at"]


def test_same_external_id_twice_is_422_at_external_id(api, somsri, products):
    post(api, an_order(somsri, external_id="POS-1001"))
    response = post(api, an_order(somsri, external_id="POS-1001"))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "external_id"]


def test_lines_adding_up_beyond_what_a_total_can_hold_are_422_at_total(api, somsri, products):
    # 999,999,999 × 99,999,999,999,999: each fits its column, their product does not fit
    # Order.total (a PostgreSQL "numeric field overflow", formerly a 500).
    line = {"sku": "TEA-JASMINE", "quantity": "999999999", "unit_price": "99999999999999"}
    response = post(api, an_order(somsri, lines=[line]))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "total"]


def test_order_for_unknown_customer_is_404(api, products):
    response = post(api, {"customer": 999999, "placed_at": PLACED_AT, "channel": "web", "total": "10"})
    assert response.status_code == 404


def test_unknown_order_is_404(api):
    response = api.get("/api/orders/999999")
    assert response.status_code == 404
    assert response.json()["detail"]


@pytest.fixture
def history(somchai, somsri, juan, products):
    def order(customer, status):
        return order_create(
            customer=customer,
            placed_at=timezone.now() - timedelta(days=2),
            channel="web",
            status=status,
            lines=[LineData(sku="TEA-JASMINE", quantity=1, unit_price="120")],
            by=somchai,
        ).pk

    return {
        "somsri_completed": order(somsri, "completed"),
        "somsri_refunded": order(somsri, "refunded"),
        "juan_completed": order(juan, "completed"),
    }


def listed(response):
    assert response.status_code == 200, response.content
    return sorted(item["id"] for item in response.json()["items"])


def test_list_filters_by_customer(api, somsri, history):
    expected = sorted([history["somsri_completed"], history["somsri_refunded"]])
    assert listed(api.get("/api/orders", {"customer": somsri.pk})) == expected


def test_list_filters_by_status(api, history):
    assert listed(api.get("/api/orders", {"status": "refunded"})) == [history["somsri_refunded"]]


def test_list_filters_combine(api, juan, history):
    response = api.get("/api/orders", {"customer": juan.pk, "status": "completed"})
    assert listed(response) == [history["juan_completed"]]


def test_list_refuses_unknown_status(api, history):
    response = api.get("/api/orders", {"status": "lost"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "status"]
