"""The home page of a demo shop, scored twice, answers every role with what it may see."""

import pytest

from patron.customers.selectors import customer_list
from patron.demo.generator import generate_shop
from patron.scoring.services import customers_score

pytestmark = pytest.mark.django_db

SEES = {  # what each role of the cast is shown
    "somchai": {"people", "revenue", "risk", "segments", "admin"},
    "lan": {"people", "revenue", "risk", "segments"},
    "emre": {"people", "revenue", "risk", "segments"},
    "maria": {"people", "revenue", "risk", "segments"},
}


@pytest.fixture
def demo(thai_shop, staff):
    generate_shop("TH", 300, seed=3)
    customers_score(by=staff("somchai"))


@pytest.mark.parametrize("username", SEES)
def test_every_role_sees_what_it_may(client, demo, staff, username):
    client.force_login(staff(username))
    response = client.get("/")
    assert response.status_code == 200
    assert SEES[username] & set(response.context.keys()) == SEES[username]
    assert "admin" in SEES[username] or "admin" not in response.context
    assert response.context["start"] is None  # customers, orders and a scoring are in
    assert response.context["people"]["customers"] == str(customer_list().count())  # under 1,000


def test_a_second_scoring_shows_the_segments_that_moved(client, demo, somchai):
    client.force_login(somchai)
    first = client.get("/").context["segments"]
    assert not first["compared_on"]
    customers_score(by=somchai)
    second = client.get("/").context["segments"]
    assert second["compared_on"] and all(row["change"] == "0" for row in second["rows"])
