"""Figures kept between views: computed again in the request while that is quick, otherwise shown
as they were, saying since when, while a job computes them afresh."""

from datetime import timedelta

import pytest

from patron.home.figures import QUICK
from patron.home.models import Snapshot
from patron.home.tests.shop import NOW, clock, home, order

pytestmark = pytest.mark.django_db


def slow(minutes_ago=10):
    """As if every section had taken long to compute last time (a million customers), some
    minutes before the shop's clock (NOW)."""
    Snapshot.objects.update(seconds=QUICK * 10, computed_at=NOW - timedelta(minutes=minutes_ago))


def test_slow_figures_are_shown_as_kept_while_a_job_computes_them(
    client,
    shop,
    lan,
    django_capture_on_commit_callbacks,
):
    home(client, lan)
    slow()
    with clock():
        order(shop["noone"], NOW, "10.00")
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = home(client, lan)
    assert response.context["people"]["active"] == "3"  # as kept, before the new order
    assert 'id="stale"' in response.content.decode()
    assert len(queued) == 3  # a job per section, run at once in tests (PATRON_QUEUE_IMMEDIATE)
    response = home(client, lan)
    assert response.context["people"]["active"] == "4" and "stale_since" not in response.context


def test_a_refresh_is_queued_once_while_it_waits(client, shop, lan, django_capture_on_commit_callbacks):
    home(client, lan)
    slow()
    with clock():
        order(shop["noone"], NOW, "10.00")
    with django_capture_on_commit_callbacks() as first:
        home(client, lan)
    with django_capture_on_commit_callbacks() as second:
        home(client, lan)
    assert (len(first), len(second)) == (3, 0)


def test_quick_figures_are_computed_again_in_the_request(
    client, shop, lan, django_capture_on_commit_callbacks
):
    home(client, lan)
    with clock():
        order(shop["noone"], NOW, "10.00")
    with django_capture_on_commit_callbacks() as queued:
        response = home(client, lan)
    assert response.context["people"]["active"] == "4" and queued == []


def test_figures_never_computed_of_a_large_shop_are_worked_out_by_a_job(
    client, shop, lan, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("patron.home.figures.MANY_ORDERS", 5)  # the shop has 8 orders
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = home(client, lan)
    assert len(queued) == 3 and response.context["pending"] == ["scores", "customers", "revenue"]
    assert "people" not in response.context and 'id="pending"' in response.content.decode()
    response = home(client, lan)
    assert response.context["pending"] == [] and response.context["people"]["active"] == "3"


def test_slow_figures_are_computed_at_most_every_few_minutes(
    client, shop, lan, django_capture_on_commit_callbacks
):
    home(client, lan)
    slow(minutes_ago=1)
    with clock():
        order(shop["noone"], NOW, "10.00")
    with django_capture_on_commit_callbacks() as queued:
        response = home(client, lan)
    assert queued == [] and response.context["people"]["active"] == "3" and "stale_since" in response.context
