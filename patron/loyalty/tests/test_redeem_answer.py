"""What a redemption through the API answers agrees with the ledger: the balance, pending and
due points it reports are those the entries give right after it, and those a replay of its key
gives; and the request stays within its budget of queries (issue 17's speed item: redemption at
50 tills, p95 under 50 ms)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from patron.conftest import with_token
from patron.customers.tests.factories import make_customer
from patron.loyalty import ledger
from patron.loyalty.ledger import balance_of, ledger_check, points_earn
from patron.loyalty.models import Entry
from patron.loyalty.standing import balance_after

pytestmark = pytest.mark.django_db

QUERIES_A_REDEMPTION = 14
"""The most queries the counted redemption below may take: the workspace (its time zone), the
address's wrong tokens, the token and its user, their permissions, the customer, the account
locked, the lots and the key together, the entry, its allocations, the two lots it takes from,
the account, and the transaction's start and end."""


def redeem(api, customer, points, key):
    return api.post(
        f"/api/customers/{customer.pk}/loyalty/redeem",
        {"points": points, "reason": "till 3: sale"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


@pytest.fixture
def lots(somchai, thai_shop):
    """A customer with points of every kind: spendable (soon, later, never expiring), pending,
    and past their expiry but not yet expired by the nightly run."""
    customer = make_customer(somchai, "somsri")
    now = timezone.now()
    earns = [
        ("soon", 40, {"expires_at": now + timedelta(days=10)}),
        ("later", 60, {"expires_at": now + timedelta(days=200)}),
        ("never", 100, {}),
        ("pending", 70, {"available_at": now + timedelta(days=14), "expires_at": now + timedelta(days=100)}),
        ("due", 25, {"available_at": now - timedelta(days=60), "expires_at": now - timedelta(days=1)}),
    ]
    for name, points, when in earns:
        points_earn(customer=customer, points=points, key=f"e:{name}", by=somchai, **when)
    return customer


def test_each_answer_is_the_balance_the_ledger_gives_after_it(client, emre, somchai, lots):
    api = with_token(client, emre)
    answers = {}
    for n, points in enumerate([30, 15, 80, 50]):
        response = redeem(api, lots, points, key=f"k-{n}")
        assert response.status_code == 201, response.content
        body = response.json()
        answers[f"k-{n}"] = body
        said = (body["balance"], body["pending"], body["due"])
        entry = Entry.objects.get(pk=body["entry"]["id"])
        after = balance_after(entry)
        assert said == (after.available, after.pending, after.due)
        now = balance_of(lots)
        assert said == (now.available, now.pending, now.due)
    # 200 spendable, 70 pending, 25 due; 175 spent.
    assert (body["balance"], body["pending"], body["due"]) == (25, 70, 25)
    # An earn in between: each replay still says what its first answer said.
    points_earn(customer=lots, points=9, key="e:between", by=somchai)
    for key, body in answers.items():
        again = redeem(api, lots, -body["entry"]["points"], key=key)
        assert (again.status_code, again.json()) == (201, body)
    assert ledger_check() == []


def test_a_redemption_stays_within_its_queries(client, emre, lots):
    api = with_token(client, emre)
    assert redeem(api, lots, 5, key="warm").status_code == 201
    with CaptureQueriesContext(connection) as queries:
        response = redeem(api, lots, 50, key="counted")
    assert response.status_code == 201, response.content
    said = "\n".join(query["sql"][:160] for query in queries.captured_queries)
    assert len(queries.captured_queries) <= QUERIES_A_REDEMPTION, said


def test_a_key_another_customer_took_meanwhile_is_refused_and_moves_nothing(
    client, emre, somchai, lots, monkeypatch
):
    """Two tills, two customers, one key, side by side: the second one's lock does not cover the
    first one's customer, so it finds the key free and only the database's unique key stops it."""
    other = make_customer(somchai, "juan")
    points_earn(customer=other, points=50, key="e:juan", by=somchai)
    api = with_token(client, emre)
    assert redeem(api, other, 10, key="k-shared").status_code == 201
    before = list(Entry.objects.order_by("pk").values_list("pk", "points", "remaining"))
    seen_free = ledger._lots_left

    def as_if_free(customer, key):
        found, _taken = seen_free(customer, key)
        return found, False

    monkeypatch.setattr(ledger, "_lots_left", as_if_free)
    response = redeem(api, lots, 10, key="k-shared")
    assert response.status_code == 422, response.content
    assert "already used for a different request" in response.json()["detail"][0]["msg"]
    assert list(Entry.objects.order_by("pk").values_list("pk", "points", "remaining")) == before
    assert ledger_check() == []
