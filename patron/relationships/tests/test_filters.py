"""The customer list's "level" filter, on the API and the list page (one declaration)."""

import pytest

from patron.conftest import with_token
from patron.customers.tests.factories import make_customer
from patron.relationships.models import Level
from patron.relationships.services import level_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(somchai, thai_shop):
    an, sukru, somsri = (make_customer(somchai, key) for key in ["nguyen_van_an", "sukru_isik", "somsri"])
    level_set(by=somchai, customer=an, level=Level.BASIC, reason="First sale")
    level_set(by=somchai, customer=an, level=Level.PROACTIVE, reason="Tests our new range")
    level_set(by=somchai, customer=sukru, level=Level.BASIC, reason="First sale")
    return an, sukru, somsri


def test_customers_at_a_level_or_with_none(client, somchai, cast):
    an, sukru, somsri = cast
    api = with_token(client, somchai)

    def listed(value):
        response = api.get("/api/customers", {"level": value})
        assert response.status_code == 200, response.content
        return {item["id"] for item in response.json()["items"]}

    assert listed("proactive") == {an.pk}
    assert listed("basic") == {sukru.pk}  # An was basic, and is no longer
    assert listed("none") == {somsri.pk}
    assert listed("partnership") == set()
    assert api.get("/api/customers", {"level": "gold"}).status_code == 422


def test_the_list_page_filters_by_level(client, somchai, cast):
    an, sukru, somsri = cast
    client.force_login(somchai)
    page = client.get("/customers/", {"level": "basic"}).content.decode()
    assert sukru.display_name in page and an.display_name not in page and somsri.display_name not in page
    assert 'name="level"' in page
