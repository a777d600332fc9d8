"""A customer's points through the API: standing, entries, redemption and adjustment; bad input
and refused roles change nothing; a key sent again answers the first answer."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from patron.conftest import with_token
from patron.customers.tests.factories import make_customer
from patron.loyalty.ledger import ledger_check, points_earn
from patron.loyalty.models import Account, Entry, Membership, Tier
from patron.sales.services import order_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def somsri(somchai, thai_shop):
    customer = make_customer(somchai, "somsri")
    points_earn(customer=customer, points=100, key="test:earn:100", by=somchai)
    return customer


def url(customer, rest=""):
    return f"/api/customers/{getattr(customer, 'pk', customer)}/loyalty{rest}"


def post(client, user, path, body, key="till-7-0001", **headers):
    api = with_token(client, user)
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return api.post(path, body, content_type="application/json", **headers)


def ledger():
    return list(Entry.objects.order_by("pk").values_list("kind", "points")), dict(
        Account.objects.values_list("customer", "points")
    )


def test_standing_says_available_pending_expiring_and_tier(client, somchai, maria, somsri):
    now = timezone.now()
    soon, later = now + timedelta(days=30), now + timedelta(days=90)
    points_earn(
        customer=somsri, points=40, key="e:pending", by=somchai, available_at=now + timedelta(days=14)
    )
    points_earn(customer=somsri, points=25, key="e:soon", by=somchai, expires_at=soon)
    points_earn(customer=somsri, points=5, key="e:later", by=somchai, expires_at=later)
    gold = Tier.objects.create(name="Gold", threshold=1000)
    Membership.objects.create(customer=somsri, tier=gold, since=now - timedelta(days=3))
    response = with_token(client, maria).get(url(somsri))
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["customer"], body["balance"], body["pending"], body["due"]) == (somsri.pk, 130, 40, 0)
    assert body["tier"] == "Gold" and body["tier_since"]
    assert [lot["points"] for lot in body["expiring"]] == [25, 5]


def test_a_customer_without_points_has_a_zero_balance_and_no_tier(client, emre, somchai, thai_shop):
    customer = make_customer(somchai, "juan")
    body = with_token(client, emre).get(url(customer)).json()
    assert (body["balance"], body["pending"], body["tier"], body["expiring"]) == (0, 0, None, [])


def test_unknown_customer_is_404_on_every_operation(client, somchai, thai_shop):
    api = with_token(client, somchai)
    assert api.get(url(999_999)).status_code == 404
    assert api.get(url(999_999, "/entries")).status_code == 404
    body = {"points": 5, "reason": "gift"}
    assert post(client, somchai, url(999_999, "/redeem"), body).status_code == 404
    assert post(client, somchai, url(999_999, "/adjust"), body).status_code == 404
    assert Entry.objects.count() == 0


def test_redeem_answers_201_with_the_entry_and_the_balance_after(client, emre, somsri):
    response = post(client, emre, url(somsri, "/redeem"), {"points": 30, "reason": "Free coffee"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["balance"] == 70 and body["pending"] == 0
    entry = body["entry"]
    assert (entry["kind"], entry["points"], entry["reason"]) == ("redeem", -30, "Free coffee")
    assert entry["actor"]["kind"] == "staff" and entry["actor"]["user"] == "emre"
    assert Account.objects.get(customer=somsri).points == 70
    assert ledger_check() == []


def test_the_same_key_again_answers_the_first_answer_and_moves_nothing(client, emre, somchai, somsri):
    first = post(client, emre, url(somsri, "/redeem"), {"points": 30, "reason": "Free coffee"}, key="k-1")
    # Something else happens in between: the replay still says what the first answer said.
    points_earn(customer=somsri, points=7, key="e:between", by=somchai)
    post(client, emre, url(somsri, "/redeem"), {"points": 10, "reason": ""}, key="k-2")
    again = post(client, emre, url(somsri, "/redeem"), {"points": 30, "reason": "Free coffee"}, key="k-1")
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert Entry.objects.filter(kind="redeem").count() == 2
    assert Account.objects.get(customer=somsri).points == 100 - 30 + 7 - 10


def test_the_same_key_with_another_body_is_422_and_moves_nothing(client, emre, somsri):
    post(client, emre, url(somsri, "/redeem"), {"points": 30, "reason": "Free coffee"}, key="k-1")
    before = ledger()
    for body in ({"points": 31, "reason": "Free coffee"}, {"points": 30, "reason": "Cake"}):
        response = post(client, emre, url(somsri, "/redeem"), body, key="k-1")
        assert response.status_code == 422
        (error,) = response.json()["detail"]
        assert error["loc"] == ["header", "Idempotency-Key"]
        assert "already used for a different request" in error["msg"]
    assert ledger() == before


def test_one_users_key_is_not_anothers(client, emre, lan, somsri):
    assert post(client, emre, url(somsri, "/redeem"), {"points": 10}, key="shared").status_code == 201
    assert post(client, lan, url(somsri, "/redeem"), {"points": 10}, key="shared").status_code == 201
    assert Account.objects.get(customer=somsri).points == 80


def test_the_same_key_for_another_customer_is_422(client, emre, somchai, somsri):
    other = make_customer(somchai, "juan")
    points_earn(customer=other, points=50, key="e:juan", by=somchai)
    assert post(client, emre, url(somsri, "/redeem"), {"points": 10}, key="k").status_code == 201
    before = ledger()
    assert post(client, emre, url(other, "/redeem"), {"points": 10}, key="k").status_code == 422
    assert ledger() == before


def test_too_few_points_is_409_with_what_can_be_spent_and_spends_nothing(client, emre, somchai, somsri):
    points_earn(
        customer=somsri,
        points=50,
        key="e:pending",
        by=somchai,
        available_at=timezone.now() + timedelta(days=7),
    )
    before = ledger()
    response = post(client, emre, url(somsri, "/redeem"), {"points": 120}, HTTP_ACCEPT_LANGUAGE="tr")
    assert response.status_code == 409
    with translation.override("tr"):
        expected = translation.gettext(
            "%(wanted)s points asked for, but only %(available)s can be spent now."
        )
    assert response.json() == {"detail": expected % {"wanted": "120", "available": "100"}}
    assert ledger() == before
    # Refused, it wrote nothing: the same key may be sent again once the points are there.
    assert post(client, emre, url(somsri, "/redeem"), {"points": 100}).status_code == 201


@pytest.mark.parametrize("points", [2.5, "10", True, 0, -5, None, 1_000_000_001, [3], {"n": 3}, 10.0])
def test_points_that_are_not_a_positive_whole_number_are_422(client, emre, somsri, points):
    before = ledger()
    response = post(client, emre, url(somsri, "/redeem"), {"points": points, "reason": ""})
    assert response.status_code == 422, response.content
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "payload", "points"]
    assert error["msg"] == "Give the points as a whole number from 1 to 1,000,000,000."
    assert ledger() == before


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({}, "points", "Give the points as a whole number from 1 to %(most)s."),
        ({"reason": "no points"}, "points", "Give the points as a whole number from 1 to %(most)s."),
        (
            {"points": 5, "reason": "x" * 501},
            "reason",
            "Say what the points were spent on in at most 500 characters.",
        ),
        (
            {"points": 5, "reason": 7},
            "reason",
            "Say what the points were spent on in at most 500 characters.",
        ),
    ],
)
def test_missing_points_and_unfit_reasons_are_said_in_the_callers_language(
    client, emre, somsri, body, field, message
):
    before = ledger()
    response = post(client, emre, url(somsri, "/redeem"), body, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 422, response.content
    with translation.override("vi"):
        expected = translation.gettext(message)
    assert expected != message
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "payload", field]
    assert error["msg"] == (expected % {"most": "1.000.000.000"} if "%(most)s" in message else expected)
    assert ledger() == before


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"reason": "no points"},
        {"points": 5, "reason": "x" * 501},
        {"points": 5, "reason": "bell\x07"},
        {"points": 5, "reason": 7},
        {"points": 5, "order": 3},
        [5],
    ],
)
def test_bad_bodies_are_422_and_move_nothing(client, emre, somsri, body):
    before = ledger()
    response = post(client, emre, url(somsri, "/redeem"), body)
    assert response.status_code == 422, response.content
    assert response.json()["detail"]
    assert ledger() == before


@pytest.mark.parametrize(
    ("key", "says"),
    [
        (None, "Send an Idempotency-Key header"),
        ("", "Send an Idempotency-Key header"),
        ("k" * 101, "1 to 100"),
    ],
)
def test_a_missing_or_unfit_key_is_422_with_a_clear_message(client, emre, somchai, somsri, key, says):
    before = ledger()
    for path, body in (("/redeem", {"points": 5}), ("/adjust", {"points": 5, "reason": "gift"})):
        user = emre if path == "/redeem" else somchai
        response = post(client, user, url(somsri, path), body, key=key)
        assert response.status_code == 422, response.content
        (error,) = response.json()["detail"]
        assert error["loc"] == ["header", "Idempotency-Key"] and says in error["msg"]
    assert ledger() == before


def test_a_missing_key_is_said_in_the_callers_language(client, emre, somsri):
    response = post(client, emre, url(somsri, "/redeem"), {"points": 5}, key=None, HTTP_ACCEPT_LANGUAGE="th")
    with translation.override("th"):
        expected = translation.gettext(
            "Send an Idempotency-Key header: a text of your own, new for each redemption or adjustment."
        )
    assert (
        expected
        != "Send an Idempotency-Key header: a text of your own, new for each redemption or adjustment."
    )
    assert response.json()["detail"][0]["msg"] == expected


def test_admin_adjusts_either_way_with_a_reason(client, somchai, somsri):
    added = post(client, somchai, url(somsri, "/adjust"), {"points": 50, "reason": "Welcome gift"}, key="a1")
    assert added.status_code == 201, added.content
    assert added.json()["balance"] == 150 and added.json()["entry"]["kind"] == "adjust"
    taken = post(client, somchai, url(somsri, "/adjust"), {"points": -20, "reason": "Typo"}, key="a2")
    assert taken.status_code == 201 and taken.json()["balance"] == 130
    assert taken.json()["entry"]["points"] == -20
    again = post(client, somchai, url(somsri, "/adjust"), {"points": 50, "reason": "Welcome gift"}, key="a1")
    assert again.json() == added.json()
    assert Account.objects.get(customer=somsri).points == 130
    assert ledger_check() == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"points": 10, "reason": ""}, "reason"),
        ({"points": 10, "reason": "   "}, "reason"),
        ({"points": 10}, "reason"),
        ({"points": 10, "reason": "x" * 501}, "reason"),
        ({"points": 10, "reason": ["gift"]}, "reason"),
        ({"reason": "no points"}, "points"),
        ({"points": 0, "reason": "zero"}, "points"),
        ({"points": 2.5, "reason": "half"}, "points"),
        ({"points": "-5", "reason": "text"}, "points"),
        ({"points": False, "reason": "bool"}, "points"),
    ],
)
def test_bad_adjustments_are_422_at_their_field(client, somchai, somsri, body, field):
    before = ledger()
    response = post(client, somchai, url(somsri, "/adjust"), body)
    assert response.status_code == 422, response.content
    assert [error["loc"][-1] for error in response.json()["detail"]] == [field]
    assert ledger() == before


def test_taking_away_more_than_there_is_is_409(client, somchai, somsri):
    before = ledger()
    response = post(client, somchai, url(somsri, "/adjust"), {"points": -101, "reason": "Too many"})
    assert response.status_code == 409 and response.json()["detail"]
    assert ledger() == before


@pytest.mark.parametrize(
    ("who", "redeem", "adjust"),
    [("somchai", 201, 201), ("lan", 201, 403), ("emre", 201, 403), ("maria", 403, 403)],
)
def test_who_may_redeem_and_adjust(client, staff, somsri, who, redeem, adjust):
    user = staff(who)
    before = ledger()
    assert post(client, user, url(somsri, "/redeem"), {"points": 5}, key="r").status_code == redeem
    response = post(client, user, url(somsri, "/adjust"), {"points": 5, "reason": "gift"}, key="a")
    assert response.status_code == adjust
    if adjust == 403:
        assert response.json()["detail"]
    moved = [entry for entry in ledger()[0] if entry not in before[0]]
    assert len(ledger()[0]) - len(before[0]) == (redeem == 201) + (adjust == 201), moved
    # Every role reads.
    assert with_token(client, user).get(url(somsri)).status_code == 200
    assert with_token(client, user).get(url(somsri, "/entries")).status_code == 200


def test_entries_newest_first_with_their_cause_paged_by_cursor(client, maria, somchai, somsri):
    order = order_create(
        customer=somsri,
        placed_at=timezone.now() - timedelta(hours=1),
        channel="store",
        total="90.00",
        by=somchai,
    )
    points_earn(customer=somsri, points=9, key="e:order", by=somchai, order=order)
    post(client, somchai, url(somsri, "/adjust"), {"points": -4, "reason": "Broken cup"})
    api = with_token(client, maria)
    first = api.get(url(somsri, "/entries?limit=2")).json()
    assert [(e["kind"], e["points"]) for e in first["items"]] == [("adjust", -4), ("earn", 9)]
    assert first["items"][0]["reason"] == "Broken cup"
    assert first["items"][0]["actor"]["user"] == "somchai"
    assert first["items"][1]["order"] == order.pk
    rest = api.get(url(somsri, f"/entries?limit=2&cursor={first['next']}")).json()
    assert [(e["kind"], e["points"]) for e in rest["items"]] == [("earn", 100)] and rest["next"] is None


@pytest.mark.parametrize("query", ["cursor=nonsense", "limit=0", "limit=201", "kind=earn", "limit=2&limit=3"])
def test_bad_list_parameters_are_422(client, maria, somsri, query):
    response = with_token(client, maria).get(url(somsri, f"/entries?{query}"))
    assert response.status_code == 422, response.content
