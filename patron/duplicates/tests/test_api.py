"""/api/duplicates and /api/merges, as a client sees them."""

import pytest

from patron.conftest import with_token
from patron.customers.models import Customer
from patron.customers.services import CustomerData, customer_update
from patron.customers.tests.factories import make_customer
from patron.duplicates.merging import customer_merge
from patron.duplicates.models import Merge, PairStatus
from patron.duplicates.tests.factories import an_twice, make_pair, totals

pytestmark = pytest.mark.django_db


@pytest.fixture
def an(somchai, thai_shop):
    return an_twice(somchai)


@pytest.fixture
def pair(an):
    return make_pair(*an, score="0.930", evidence={"name": 0.9, "email": 1.0})


def post(client, url, body=None):
    if body is None:
        return client.post(url)
    return client.post(url, body, content_type="application/json")


# Candidate pairs


def test_pairs_are_listed_best_first_with_ids_external_ids_score_and_evidence(client, somchai, an, pair):
    shop, web = an
    juan, juana = make_customer(somchai, "juan"), make_customer(somchai, display_name="Juana dela Cruz")
    make_pair(juan, juana, score="0.610", evidence={"name": 0.7})
    response = with_token(client, somchai).get("/api/duplicates")
    assert response.status_code == 200
    body = response.json()
    assert [item["score"] for item in body["items"]] == [0.93, 0.61]
    assert body["next"] is None
    assert body["items"][0] == {
        "id": pair.pk,
        "left": {"id": shop.pk, "display_name": "Nguyễn Văn An", "external_ids": []},
        "right": {
            "id": web.pk,
            "display_name": "Nguyen Van An",
            "external_ids": [{"source": "webshop", "value": "C-17"}],
        },
        "score": 0.93,
        "evidence": {"name": 0.9, "email": 1.0},
        "status": "open",
        "found_at": body["items"][0]["found_at"],
        "decided_by": None,
        "decided_at": None,
    }


def test_pair_list_pages_with_a_cursor_by_score(client, somchai, thai_shop):
    people = [make_customer(somchai, display_name=f"Khách {n}") for n in range(6)]
    for n in range(3):
        make_pair(people[2 * n], people[2 * n + 1], score=f"0.{7 + n}00")
    api = with_token(client, somchai)
    first = api.get("/api/duplicates?limit=2").json()
    second = api.get(f"/api/duplicates?limit=2&cursor={first['next']}").json()
    assert [item["score"] for item in first["items"] + second["items"]] == [0.9, 0.8, 0.7]
    assert second["next"] is None


def test_decided_pairs_and_pairs_of_merged_customers_are_not_listed(client, somchai, an, pair):
    juan, juana = make_customer(somchai, "juan"), make_customer(somchai, display_name="Juana dela Cruz")
    dismissed = make_pair(juan, juana)
    post(with_token(client, somchai), f"/api/duplicates/{dismissed.pk}/dismiss")
    other = make_customer(somchai, "somsri")
    make_pair(an[0], other)
    customer_merge(survivor=an[1], merged=an[0], choices={}, by=somchai)
    assert client.get("/api/duplicates").json()["items"] == []


@pytest.mark.parametrize("query", ["cursor=not-a-cursor", "min_score=0.5", "limit=0"])
def test_bad_list_parameters_are_refused(client, somchai, query):
    response = with_token(client, somchai).get(f"/api/duplicates?{query}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "query"


# Merge


def test_merge_moves_everything_and_answers_the_merge(client, lan, an, pair):
    shop, web = an
    before = {"shop": totals(shop), "web": totals(web)}
    response = post(
        with_token(client, lan),
        f"/api/duplicates/{pair.pk}/merge",
        {"survivor": web.pk, "choices": {"display_name": "merged"}},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    merge = Merge.objects.get()
    assert body | {"at": None} == {
        "id": merge.pk,
        "pair": pair.pk,
        "survivor": web.pk,
        "merged": shop.pk,
        "by": "lan",
        "at": None,
        "choices": {"display_name": "merged"},
        "undone_at": None,
        "undone_by": None,
    }
    after = totals(web)
    assert after["orders"] == before["shop"]["orders"] + before["web"]["orders"]
    assert after["total_base"] == before["shop"]["total_base"] + before["web"]["total_base"]
    assert Customer.objects.get(pk=web.pk).display_name == "Nguyễn Văn An"
    assert Customer.objects.get(pk=shop.pk).merged_into_id == web.pk


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"survivor": 999_999}, ["body", "payload", "survivor"]),
        ({"survivor": "1"}, ["body", "payload", "survivor"]),
        (
            {"survivor": 1, "choices": {"display_name": "both"}},
            ["body", "payload", "choices", "display_name"],
        ),
        ({"survivor": 1, "choices": {"shoe_size": "merged"}}, ["body", "payload", "choices", "shoe_size"]),
        ({"survivor": 1, "keep": "all"}, ["body", "payload", "keep"]),
    ],
)
def test_bad_merge_is_refused_with_the_field_s_path_and_nothing_moves(client, somchai, an, pair, body, loc):
    shop, web = an
    if body["survivor"] == 1:
        body["survivor"] = shop.pk
    before = totals(web)
    response = post(with_token(client, somchai), f"/api/duplicates/{pair.pk}/merge", body)
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["loc"] == loc
    assert totals(web) == before and not Merge.objects.exists()


def test_merge_of_a_dismissed_pair_is_refused(client, somchai, an, pair):
    api = with_token(client, somchai)
    assert post(api, f"/api/duplicates/{pair.pk}/dismiss").status_code == 200
    response = post(api, f"/api/duplicates/{pair.pk}/merge", {"survivor": an[0].pk})
    assert response.status_code == 422
    assert "decided already" in response.json()["detail"][0]["msg"]


def test_merge_of_an_unknown_pair_is_404(client, somchai, thai_shop):
    response = post(with_token(client, somchai), "/api/duplicates/424242/merge", {"survivor": 1})
    assert response.status_code == 404
    assert response.json()["detail"]


# Dismiss


def test_dismiss_answers_the_decided_pair_and_refuses_a_second_time(client, lan, an, pair):
    api = with_token(client, lan)
    response = post(api, f"/api/duplicates/{pair.pk}/dismiss")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["decided_by"]) == ("dismissed", "lan")
    pair.refresh_from_db()
    assert pair.status == PairStatus.DISMISSED
    assert post(api, f"/api/duplicates/{pair.pk}/dismiss").status_code == 422


# Merges and undo


def test_merges_are_listed_latest_first_and_undo_restores_the_totals(client, somchai, an, pair):
    shop, web = an
    before = {"shop": totals(shop), "web": totals(web)}
    api = with_token(client, somchai)
    merge_id = post(api, f"/api/duplicates/{pair.pk}/merge", {"survivor": shop.pk}).json()["id"]
    listed = api.get("/api/merges").json()
    assert [item["id"] for item in listed["items"]] == [merge_id]
    response = post(api, f"/api/merges/{merge_id}/undo")
    assert response.status_code == 200
    assert response.json()["undone_by"] == "somchai" and response.json()["undone_at"]
    assert {"shop": totals(shop), "web": totals(web)} == before
    assert api.get("/api/duplicates").json()["items"][0]["id"] == pair.pk


def test_undo_twice_or_while_the_survivor_is_merged_elsewhere_is_refused(client, somchai, an, pair):
    shop, web = an
    api = with_token(client, somchai)
    merge_id = post(api, f"/api/duplicates/{pair.pk}/merge", {"survivor": shop.pk}).json()["id"]
    juan = make_customer(somchai, "juan")
    outer = customer_merge(survivor=juan, merged=Customer.objects.get(pk=shop.pk), choices={}, by=somchai)
    refused = post(api, f"/api/merges/{merge_id}/undo")
    assert refused.status_code == 422
    assert "undo that merge first" in refused.json()["detail"][0]["msg"]
    assert post(api, f"/api/merges/{outer.pk}/undo").status_code == 200
    assert post(api, f"/api/merges/{merge_id}/undo").status_code == 200
    assert post(api, f"/api/merges/{merge_id}/undo").status_code == 422


def test_undo_of_an_unknown_merge_is_404(client, somchai, thai_shop):
    assert post(with_token(client, somchai), "/api/merges/424242/undo").status_code == 404


# Who may


@pytest.mark.parametrize("username", ["emre", "maria"])
def test_service_agents_and_analysts_read_but_do_not_decide(client, staff, somchai, an, pair, username):
    shop, web = an
    merge = customer_merge(
        survivor=shop, merged=make_customer(somchai, display_name="An N."), choices={}, by=somchai
    )
    api = with_token(client, staff(username))
    assert api.get("/api/duplicates").status_code == 200
    assert api.get("/api/merges").status_code == 200
    before = totals(web)
    for url, body in [
        (f"/api/duplicates/{pair.pk}/merge", {"survivor": shop.pk}),
        (f"/api/duplicates/{pair.pk}/dismiss", None),
        (f"/api/merges/{merge.pk}/undo", None),
    ]:
        response = post(api, url, body)
        assert response.status_code == 403 and response.json()["detail"]
    pair.refresh_from_db()
    merge.refresh_from_db()
    assert (pair.status, merge.undone_at, totals(web)) == (PairStatus.OPEN, None, before)


def test_no_token_no_access(client, an, pair):
    assert client.get("/api/duplicates").status_code == 401
    assert post(client, f"/api/duplicates/{pair.pk}/dismiss").status_code == 401


def test_edited_survivor_still_undoes_through_the_api(client, somchai, an, pair):
    shop, web = an
    api = with_token(client, somchai)
    merge_id = post(api, f"/api/duplicates/{pair.pk}/merge", {"survivor": shop.pk}).json()["id"]
    customer_update(customer=shop, data=CustomerData(tags=["regular"]), by=somchai)
    assert post(api, f"/api/merges/{merge_id}/undo").status_code == 200
    assert sorted(Customer.objects.get(pk=web.pk).tags.values_list("name", flat=True)) == ["regular", "vip"]
