"""Value at risk: the customer list's range filter (page and GET /api/customers, one
declaration), and the sentence saying why a customer is worth a call now, in every language."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from patron.conftest import with_token
from patron.customers.tests.factories import make_customer
from patron.scoring.models import CustomerScore
from patron.scoring.reasons import call_reason
from patron.scoring.tests.factories import make_run, make_score

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
RISKS = ["0", "99.9999", "100", "2500.50", "2500.5001", None]


@pytest.fixture
def scored(db, somchai, thai_shop):
    """{value at risk: customer id}, each customer scored with that value at risk."""
    run = make_run()
    made = {}
    for risk in RISKS:
        customer = make_customer(somchai, display_name=f"At risk {risk}")
        make_score(customer, run, value_at_risk=None if risk is None else Decimal(risk))
        made[risk] = customer.pk
    return made


def between(scored, low, high):
    return {
        pk
        for risk, pk in scored.items()
        if risk is not None
        and (low is None or Decimal(risk) >= low)
        and (high is None or Decimal(risk) <= high)
    }


CASES = [
    ({"min_at_risk": "100"}, Decimal(100), None),
    ({"max_at_risk": "2500.50"}, None, Decimal("2500.50")),
    ({"min_at_risk": "99.9999", "max_at_risk": "100"}, Decimal("99.9999"), Decimal(100)),
    ({"min_at_risk": "0", "max_at_risk": "0"}, Decimal(0), Decimal(0)),
]


@pytest.mark.parametrize(("query", "low", "high"), CASES)
def test_the_range_is_inclusive_on_the_page_and_in_the_api(client, somchai, scored, query, low, high):
    client.force_login(somchai)
    page = client.get("/customers/", query).context["page"]
    assert {customer.pk for customer in page.items} == between(scored, low, high)
    api = with_token(client, somchai)
    response = api.get("/api/customers", {"limit": 200, **query})
    assert response.status_code == 200, response.content
    assert {item["id"] for item in response.json()["items"]} == between(scored, low, high)


def test_the_range_sorts_by_value_at_risk(client, somchai, scored):
    client.force_login(somchai)
    page = client.get("/customers/", {"min_at_risk": "1", "sort": "at_risk"}).context["page"]
    assert [customer.pk for customer in page.items] == [
        scored["2500.5001"],
        scored["2500.50"],
        scored["100"],
        scored["99.9999"],
    ]


@pytest.mark.parametrize("value", ["-1", "1e3", "abc", "1.00001"])
def test_a_bad_amount_is_refused_at_its_parameter(client, somchai, scored, value):
    api = with_token(client, somchai)
    response = api.get("/api/customers", {"min_at_risk": value})
    assert response.status_code == 422
    assert "min_at_risk" in str(response.json())
    client.force_login(somchai)
    response = client.get("/customers/", {"max_at_risk": value})
    assert response.context["page"] is None and response.context["form"].errors["max_at_risk"]


# Why a customer is worth a call now.


def score(**fields):
    """A score as call_reason reads it (not saved)."""
    values = {
        "purchases": 5,
        "first_purchase": NOW - timedelta(weeks=21),
        "last_purchase": NOW - timedelta(weeks=9),
        "value_decile": 1,
        "value_at_risk": Decimal("12000"),
    }
    return CustomerScore(**values | fields)


@pytest.mark.parametrize(
    ("fields", "english"),
    [
        ({}, "bought every 3 weeks, nothing for 9 weeks, top 10% by value, and ฿12,000 at risk"),
        (
            {
                "purchases": 2,
                "first_purchase": NOW - timedelta(days=400),
                "last_purchase": NOW - timedelta(days=1),
            },
            "bought every 13 months, nothing for 1 day, top 10% by value, and ฿12,000 at risk",
        ),
        (
            {"purchases": 30, "first_purchase": NOW - timedelta(days=29), "value_decile": 4},
            "bought every day, nothing for 9 weeks, and ฿12,000 at risk",
        ),
        (
            {
                "purchases": 3,
                "first_purchase": NOW - timedelta(days=20),
                "last_purchase": NOW,
                "value_at_risk": None,
            },
            "bought every 10 days, last purchase today, and top 10% by value",
        ),
        (
            {
                "purchases": 1,
                "first_purchase": NOW - timedelta(days=1200),
                "last_purchase": NOW - timedelta(days=1200),
            },
            "bought once, nothing for 3 years, top 10% by value, and ฿12,000 at risk",
        ),
        (
            {"purchases": 4, "first_purchase": NOW - timedelta(days=2263), "value_decile": 3},
            "bought every 2 years, nothing for 9 weeks, top 30% by value, and ฿12,000 at risk",
        ),
    ],
)
def test_the_reason_in_english(fields, english):
    with translation.override("en"):
        assert call_reason(score(**fields), "THB", now=NOW) == english


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("th", ["ซื้อทุก 3 สัปดาห์", "ไม่ได้ซื้อมา 9 สัปดาห์", "฿12,000"]),
        ("vi", ["mua 3 tuần một lần", "9 tuần nay không mua", "12.000"]),
        ("tr", ["3 haftada bir alışveriş", "9 haftadır alışveriş yok", "12.000"]),
        ("fil", ["bumibili tuwing 3 linggo", "walang bili sa loob ng 9 linggo", "12,000"]),
    ],
)
def test_the_reason_in_each_language(language, words):
    with translation.override(language):
        sentence = call_reason(score(), "THB", now=NOW)
    assert all(word in sentence for word in words), sentence


def test_the_singular_where_a_language_has_one():
    one = score(purchases=2, first_purchase=NOW - timedelta(days=2), last_purchase=NOW - timedelta(days=1))
    with translation.override("tr"):
        assert "1 gündür alışveriş yok" in call_reason(one, "TRY", now=NOW)
    with translation.override("fil"):
        assert "walang bili sa loob ng 1 araw" in call_reason(one, "PHP", now=NOW)


def test_numbers_follow_the_readers_locale():
    many = score(
        purchases=2, first_purchase=NOW - timedelta(days=40000), last_purchase=NOW - timedelta(days=36600)
    )
    with translation.override("en"):
        assert "nothing for 100 years" in call_reason(many, "THB", now=NOW)
    with translation.override("vi"):
        assert "12.000 ₫" not in call_reason(many, "THB", now=NOW)  # baht, never dong
