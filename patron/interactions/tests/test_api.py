"""/api/interactions through the HTTP API: the contact history of customers and organisations."""

import pytest

from patron.conftest import with_token
from patron.customers.tests.factories import make_customer
from patron.interactions.services import interaction_log
from patron.organisations.services import contact_create, organisation_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, emre, thai_shop):
    """Signed in as Emre, the service agent: logging contacts is his daily work."""
    return with_token(client, emre)


@pytest.fixture
def sukru(somchai, thai_shop):
    return make_customer(somchai, "sukru_isik")


@pytest.fixture
def juan(somchai, thai_shop):
    return make_customer(somchai, "juan")


@pytest.fixture
def agency(somchai, thai_shop):
    return organisation_create(by=somchai, name="Anatolia Media", kind="agency", country="TR")


def post(api, body):
    return api.post("/api/interactions", body, content_type="application/json")


def test_log_for_customer(api, sukru):
    response = post(
        api,
        {
            "customer": sukru.pk,
            "channel": "phone",
            "direction": "inbound",
            "subject": "Kargo nerede?",
            "occurred_at": "2024-05-01T10:15:00+03:00",
        },
    )
    assert response.status_code == 201
    item = response.json()
    assert (item["customer"], item["organisation"], item["staff"]) == (sukru.pk, None, "emre")
    assert item["occurred_at"] == "2024-05-01T07:15:00Z"


def test_log_for_organisation(api, agency):
    response = post(
        api, {"organisation": agency.pk, "channel": "email", "direction": "outbound", "subject": "Brief"}
    )
    assert response.status_code == 201
    assert (response.json()["customer"], response.json()["organisation"]) == (None, agency.pk)


def test_log_with_contact_files_it_under_the_contacts_organisation(api, agency, somchai):
    contact = contact_create(organisation=agency, name="Elif Yılmaz", by=somchai)
    response = post(
        api,
        {"contact": contact.pk, "channel": "in_person", "direction": "outbound", "body": "Met at the fair"},
    )
    assert response.status_code == 201
    assert (response.json()["organisation"], response.json()["contact"]) == (agency.pk, contact.pk)


def test_log_with_neither_customer_nor_organisation_is_422(api):
    response = post(api, {"channel": "phone", "direction": "inbound"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "customer"]


@pytest.mark.parametrize("said", [{}, {"subject": "   "}, {"subject": "", "body": " \n "}])
def test_log_with_neither_subject_nor_notes_is_422_and_logs_nothing(api, sukru, said):
    response = post(api, {"customer": sukru.pk, "channel": "phone", "direction": "inbound", **said})
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["body", "payload", "subject"],
            "msg": "Say what the contact was about: give a subject or notes.",
            "type": "value_error",
        }
    ]
    assert not sukru.interactions.exists()


def test_log_for_unknown_customer_is_404(api):
    response = post(api, {"customer": 999999, "channel": "phone", "direction": "inbound"})
    assert response.status_code == 404


def test_log_with_unknown_channel_is_422(api, sukru):
    response = post(api, {"customer": sukru.pk, "channel": "pigeon", "direction": "inbound"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "channel"]


def test_list_filters_by_customer(api, sukru, juan, agency, somchai):
    mine = interaction_log(by=somchai, customer=sukru, channel="chat", direction="inbound", subject="İade").pk
    interaction_log(by=somchai, customer=juan, channel="chat", direction="inbound", subject="Size")
    interaction_log(by=somchai, organisation=agency, channel="email", direction="outbound", subject="Brief")
    response = api.get("/api/interactions", {"customer": sukru.pk})
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["items"]] == [mine]


def test_list_filters_by_organisation(api, sukru, agency, somchai):
    interaction_log(by=somchai, customer=sukru, channel="chat", direction="inbound", subject="İade")
    theirs = interaction_log(
        by=somchai, organisation=agency, channel="email", direction="outbound", body="Kampanya taslağı"
    ).pk
    response = api.get("/api/interactions", {"organisation": agency.pk})
    assert [item["id"] for item in response.json()["items"]] == [theirs]


def test_get_returns_the_interaction(api, sukru, somchai):
    item = interaction_log(by=somchai, customer=sukru, channel="sms", direction="outbound", subject="Kod")
    response = api.get(f"/api/interactions/{item.pk}")
    assert response.status_code == 200
    assert (response.json()["subject"], response.json()["staff"]) == ("Kod", "somchai")


def test_unknown_interaction_is_404(api):
    assert api.get("/api/interactions/999999").status_code == 404
