"""The churn bands are defined once (patron.scoring.filters): the customer list page,
GET /api/customers and GET /api/scores put a customer scored exactly at an edge, or just
below it, in the same band."""

import math
from decimal import Decimal

import pytest

from patron.conftest import with_token
from patron.customers.tests.factories import make_customer
from patron.scoring.tests.factories import make_run, make_score

pytestmark = pytest.mark.django_db

BELOW_03, BELOW_07 = math.nextafter(0.3, 0), math.nextafter(0.7, 0)
# churn risk -> the band every screen must put it in (None: one-time buyer, in no band)
RISKS = {0.0: "low", BELOW_03: "low", 0.3: "medium", BELOW_07: "medium", 0.7: "high", 1.0: "high", None: None}


@pytest.fixture
def scored(somchai, thai_shop):
    """{churn risk: customer id}, each customer scored with that risk."""
    run = make_run()
    made = {}
    for number, risk in enumerate(RISKS):
        customer = make_customer(somchai, display_name=f"Risk {risk!r}")
        make_score(
            customer,
            run,
            purchases=1 if risk is None else 3,
            repeat_purchases=0 if risk is None else 2,
            churn_risk=risk,
            clv=Decimal(100 + number),
            value_decile=1 + number,
        )
        made[risk] = customer.pk
    return made


def expected(scored, band):
    return {pk for risk, pk in scored.items() if RISKS[risk] == band}


def on_the_page(client, band):
    return {customer.pk for customer in client.get("/customers/", {"churn": band}).context["page"].items}


def in_the_api(client, path, **query):
    response = client.get(path, {"limit": 200, **query})
    assert response.status_code == 200, response.content
    return {item.get("customer", item.get("id")) for item in response.json()["items"]}


@pytest.mark.parametrize("band", ["high", "medium", "low"])
def test_every_screen_puts_an_edge_in_the_same_band(client, somchai, scored, band):
    client.force_login(somchai)
    assert on_the_page(client, band) == expected(scored, band)
    api = with_token(client, somchai)
    assert in_the_api(api, "/api/customers", churn=band) == expected(scored, band)
    assert in_the_api(api, "/api/scores", churn=band) == expected(scored, band)


def test_exactly_07_is_high_and_exactly_03_medium(client, somchai, scored):
    client.force_login(somchai)
    assert scored[0.7] in on_the_page(client, "high") and scored[BELOW_07] in on_the_page(client, "medium")
    assert scored[0.3] in on_the_page(client, "medium") and scored[BELOW_03] in on_the_page(client, "low")
    assert scored[None] not in set().union(*(on_the_page(client, band) for band in ("high", "medium", "low")))


def test_the_bounds_of_churn_risk_are_inclusive_as_documented(client, somchai, scored):
    api = with_token(client, somchai)
    at_most = in_the_api(api, "/api/scores", max_churn_risk="0.7")
    at_least = in_the_api(api, "/api/scores", min_churn_risk="0.7")
    assert scored[0.7] in at_most and scored[0.7] in at_least
    assert at_most == {pk for risk, pk in scored.items() if risk is not None and risk <= 0.7}
    parameters = {
        p["name"]: p for p in api.get("/api/openapi.json").json()["paths"]["/api/scores"]["get"]["parameters"]
    }
    assert "inclusive" in parameters["max_churn_risk"]["description"]
    assert "inclusive" in parameters["min_churn_risk"]["description"]
    assert "high = churn risk at least 0.7" in parameters["churn"]["description"]
