"""A merge takes away the scores its orders no longer match, and undo gives them back."""

import pytest

from patron.conftest import with_token
from patron.customers.tests.factories import make_customer
from patron.duplicates.merging import customer_merge, merge_undo
from patron.duplicates.tests.factories import an_twice
from patron.scoring.models import CustomerScore
from patron.scoring.services import customers_score

pytestmark = pytest.mark.django_db


@pytest.fixture
def an(somchai, thai_shop):
    """(shop record, web record) of Nguyễn Văn An, both scored, both with orders."""
    shop, web = an_twice(somchai)
    customers_score(by=somchai)
    return shop, web


def scored(*customers):
    return {c.pk: CustomerScore.objects.filter(customer=c).values().first() for c in customers}


def test_merged_away_record_shows_no_value_card(an, somchai, maria, client):
    shop, web = an
    customer_merge(survivor=shop, merged=web, choices={}, by=somchai)
    client.force_login(somchai)
    page = client.get(f"/customers/{web.pk}/").content.decode()
    assert 'id="value-merged"' in page and 'id="value-card"' not in page
    api = with_token(client, maria)
    assert api.get(f"/api/scores/{web.pk}").status_code == 404
    assert web.pk not in [item["customer"] for item in api.get("/api/scores").json()["items"]]


def test_survivor_that_gained_orders_waits_for_the_next_run(an, somchai):
    shop, web = an
    customer_merge(survivor=shop, merged=web, choices={}, by=somchai)
    assert not CustomerScore.objects.filter(customer=shop).exists()
    customers_score(by=somchai)
    survivor = CustomerScore.objects.get(customer=shop)
    assert survivor.purchases == shop.orders.count() == 5
    assert not CustomerScore.objects.filter(customer=web).exists()


def test_survivor_keeps_its_score_when_the_merged_record_had_no_orders(an, somchai):
    shop, _web = an
    bare = make_customer(somchai, "juan")
    before = scored(shop)
    customer_merge(survivor=shop, merged=bare, choices={}, by=somchai)
    assert scored(shop) == before


def test_undo_gives_both_scores_back_as_they_were(an, somchai):
    shop, web = an
    before = scored(shop, web)
    assert all(before.values())
    merge = customer_merge(survivor=shop, merged=web, choices={}, by=somchai)
    merge_undo(merge=merge, by=somchai)
    assert scored(shop, web) == before


def test_undo_after_a_new_run_leaves_both_for_the_next_one(an, somchai):
    """The survivor's new score counts orders that have gone back: it goes too."""
    shop, web = an
    merge = customer_merge(survivor=shop, merged=web, choices={}, by=somchai)
    customers_score(by=somchai)
    merge_undo(merge=merge, by=somchai)
    assert scored(shop, web) == {shop.pk: None, web.pk: None}
    customers_score(by=somchai)
    assert CustomerScore.objects.get(customer=shop).purchases == 2
    assert CustomerScore.objects.get(customer=web).purchases == 3
