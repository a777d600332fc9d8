"""/api/relationships: a customer's level (GET, PUT), its history, accepting the suggestion."""

import pytest

from patron.conftest import with_token
from patron.customers.tests.factories import make_customer
from patron.interactions.services import interaction_log
from patron.organisations.services import organisation_create
from patron.relationships.models import LevelChange
from patron.relationships.tests.helpers import bought

pytestmark = pytest.mark.django_db


@pytest.fixture
def juan(somchai, thai_shop):
    return make_customer(somchai, "juan")


def put(api, path, body):
    return api.put(path, body, content_type="application/json")


def test_a_customer_without_a_level_says_so(client, maria, juan):
    response = with_token(client, maria).get(f"/api/relationships/customers/{juan.pk}")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "level": None,
        "since": None,
        "reason": "",
        "suggested": False,
        "set_by": None,
        "suggestion": None,
    }


def test_put_sets_the_level_and_get_reads_it_and_its_history(client, emre, juan):
    api = with_token(client, emre)
    response = put(api, f"/api/relationships/customers/{juan.pk}", {"level": "basic", "reason": "Unang bili"})
    assert response.status_code == 200, response.content
    assert (response.json()["level"], response.json()["set_by"]) == ("basic", "emre")
    put(api, f"/api/relationships/customers/{juan.pk}", {"level": "accountable", "reason": "Sinundan"})
    current = api.get(f"/api/relationships/customers/{juan.pk}").json()
    assert (current["level"], current["reason"]) == ("accountable", "Sinundan")
    history = api.get(f"/api/relationships/customers/{juan.pk}/history").json()
    assert [(c["level"], c["previous"], c["by"]) for c in history["items"]] == [
        ("accountable", "basic", "emre (staff)"),
        ("basic", None, "emre (staff)"),
    ]
    assert history["next"] is None


def test_the_suggestion_is_accepted_in_one_call(client, somchai, emre, juan):
    bought(somchai, juan, days_ago=5)
    api = with_token(client, emre)
    assert api.get(f"/api/relationships/customers/{juan.pk}").json()["suggestion"] == {
        "level": "basic",
        "reason": "Bought once.",
    }
    response = api.generic("POST", f"/api/relationships/customers/{juan.pk}/accept", b"", content_type="")
    assert response.status_code == 200, response.content  # as curl -X POST sends it: no body
    assert (response.json()["level"], response.json()["suggested"], response.json()["reason"]) == (
        "basic",
        True,
        "Bought once.",
    )
    again = api.post(f"/api/relationships/customers/{juan.pk}/accept", {}, content_type="application/json")
    assert again.status_code == 422


def test_an_analyst_reads_but_gets_403_on_put(client, maria, juan):
    response = put(
        with_token(client, maria),
        f"/api/relationships/customers/{juan.pk}",
        {"level": "basic", "reason": "x"},
    )
    assert response.status_code == 403
    assert not LevelChange.objects.exists()


def test_bad_input_is_422_at_its_field_and_an_unknown_customer_404(client, emre, juan):
    api = with_token(client, emre)
    bad = put(api, f"/api/relationships/customers/{juan.pk}", {"level": "gold", "reason": "x"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"][-1] == "level"
    blank = put(api, f"/api/relationships/customers/{juan.pk}", {"level": "basic", "reason": " "})
    assert blank.status_code == 422 and "reason" in str(blank.json())
    assert api.get("/api/relationships/customers/999999").status_code == 404


def test_an_organisations_level(client, somchai, lan, thai_shop):
    supplier = organisation_create(by=somchai, name="Manila Rope", kind="distributor")
    interaction_log(by=somchai, organisation=supplier, channel="phone", direction="inbound", subject="Order")
    api = with_token(client, lan)
    assert (
        api.get(f"/api/relationships/organisations/{supplier.pk}").json()["suggestion"]["level"]
        == "partnership"
    )
    response = put(
        api, f"/api/relationships/organisations/{supplier.pk}", {"level": "proactive", "reason": "Co-design"}
    )
    assert response.json()["level"] == "proactive"
    items = api.get(f"/api/relationships/organisations/{supplier.pk}/history").json()["items"]
    assert [c["level"] for c in items] == ["proactive"]


def test_accepting_a_suggestion_seen_before_it_changed_is_422(client, somchai, emre, juan):
    bought(somchai, juan, days_ago=5)
    api = with_token(client, emre)
    response = api.post(
        f"/api/relationships/customers/{juan.pk}/accept",
        {"level": "proactive"},
        content_type="application/json",
    )
    assert response.status_code == 422 and "now suggests Basic" in str(response.json())
    ok = api.post(
        f"/api/relationships/customers/{juan.pk}/accept", {"level": "basic"}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["level"] == "basic"
