"""/api/customers and /api/consents, through the HTTP API as a client sees them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from patron.accounts.services import token_create
from patron.conftest import with_token
from patron.customers.models import AuditEvent, Customer
from patron.customers.services import consent_record
from patron.customers.tests.factories import make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, somchai, thai_shop):
    """The test client, signed in with an Admin's API token."""
    return with_token(client, somchai)


@pytest.fixture
def people(somchai, thai_shop):
    return {key: make_customer(somchai, key) for key in ["nguyen_van_an", "sukru_isik", "somsri", "juan"]}


def post(api, url, body):
    return api.post(url, body, content_type="application/json")


def patch(api, url, body):
    return api.patch(url, body, content_type="application/json")


def listed(response):
    assert response.status_code == 200, response.content
    return sorted(item["display_name"] for item in response.json()["items"])


# Create, read, change


def test_create_normalises_phones_to_e164_in_workspace_region(api):
    response = post(api, "/api/customers", {"display_name": "Somsak", "phones": ["081 234 5678"]})
    assert response.status_code == 201
    assert response.json()["phones"] == ["+66812345678"]


def test_create_reads_local_phones_in_the_customers_own_country(api):
    response = post(
        api, "/api/customers", {"display_name": "An", "country": "VN", "phones": ["090 123 4567"]}
    )
    assert response.json()["phones"] == ["+84901234567"]


def test_create_builds_display_name_family_name_first_for_vietnamese(api):
    response = post(api, "/api/customers", {"given_name": "An", "family_name": "Nguyễn Văn", "country": "VN"})
    assert response.status_code == 201
    assert response.json()["display_name"] == "Nguyễn Văn An"


def test_create_builds_display_name_given_name_first_for_filipino(api):
    response = post(
        api, "/api/customers", {"given_name": "Juan", "family_name": "dela Cruz", "country": "PH"}
    )
    assert response.json()["display_name"] == "Juan dela Cruz"


def test_create_answers_with_the_stored_customer(api):
    body = post(
        api,
        "/api/customers",
        {
            "given_name": "Şükrü",
            "family_name": "Işık",
            "country": "TR",
            "emails": ["sukru@example.com.tr"],
            "tags": ["vip"],
            "external_ids": [{"source": "shopify", "value": "1001"}],
        },
    ).json()
    stored = Customer.objects.get(pk=body["id"])
    assert body["display_name"] == stored.display_name == "Şükrü Işık"
    assert body["emails"] == ["sukru@example.com.tr"]
    assert body["tags"] == ["vip"]
    assert body["external_ids"] == [{"source": "shopify", "value": "1001"}]


def test_get_returns_the_customer(api, people):
    customer = people["somsri"]
    response = api.get(f"/api/customers/{customer.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == customer.pk
    assert body["display_name"] == "สมศรี ใจดี"
    assert body["phones"] == ["+66812345678"]


def test_patch_with_null_clears_a_field_and_leaves_those_not_sent(api, people):
    customer = people["juan"]
    patch(api, f"/api/customers/{customer.pk}", {"birthday": "1988-02-29", "given_name": "Juan"})
    response = patch(api, f"/api/customers/{customer.pk}", {"birthday": None, "emails": None})
    assert response.status_code == 200
    body = response.json()
    assert body["birthday"] is None and body["emails"] == []
    assert body["given_name"] == "Juan" and body["phones"] == ["+639171234567"]
    change = AuditEvent.objects.filter(customer=customer, action="update").order_by("pk").last()
    assert change.changes["birthday"] == ["1988-02-29", None]


def test_unknown_customer_is_404_json(api):
    response = api.get("/api/customers/999999")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


def test_patch_changes_only_the_fields_sent(api, people):
    customer = people["juan"]
    response = patch(api, f"/api/customers/{customer.pk}", {"tags": ["vip", "manila"]})
    assert response.status_code == 200
    body = response.json()
    assert body["tags"] == ["manila", "vip"]
    assert body["display_name"] == "Juan dela Cruz"
    assert body["phones"] == ["+639171234567"]


def test_patch_writes_an_audit_event_naming_who_and_what(api, people, somchai):
    customer = people["juan"]
    patch(api, f"/api/customers/{customer.pk}", {"display_name": "Juan D. Cruz"})
    event = AuditEvent.objects.filter(customer=customer, action=AuditEvent.Action.UPDATE).get()
    assert event.actor == somchai
    assert event.changes == {"display_name": ["Juan dela Cruz", "Juan D. Cruz"]}


def test_patch_of_unknown_customer_is_404(api):
    assert patch(api, "/api/customers/999999", {"display_name": "X"}).status_code == 404


# Errors name the field


def test_invalid_phone_is_422_at_its_place_in_the_list(api):
    response = post(api, "/api/customers", {"display_name": "Somsak", "phones": ["081 234 5678", "12"]})
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "payload", "phones", 1]
    assert "12" in error["msg"]


def test_first_invalid_phone_is_reported_at_index_0(api):
    response = post(api, "/api/customers", {"display_name": "Somsak", "phones": ["12"]})
    assert response.json()["detail"][0]["loc"][-2:] == ["phones", 0]


def test_nameless_customer_is_422_at_display_name(api):
    response = post(api, "/api/customers", {"emails": ["someone@example.com"]})
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [["body", "payload", "display_name"]]


def test_field_the_api_does_not_know_is_422(api):
    response = post(api, "/api/customers", {"display_name": "Somsak", "nickname": "Sak"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "nickname"]


def test_body_that_is_not_an_object_is_422(api):
    response = patch(api, "/api/customers/1", [None])
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload"]


def test_body_that_is_not_json_is_400(api):
    response = api.post("/api/customers", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"]


@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x7f", "\x85"])
def test_text_with_a_control_character_is_422_as_in_an_import_file(api, character):
    response = post(api, "/api/customers", {"display_name": f"Som{character}sak"})
    assert response.status_code == 422
    (problem,) = response.json()["detail"]
    assert problem["loc"] == ["body", "payload", "display_name"]
    assert f"U+{ord(character):04X}" in problem["msg"]


def test_tabs_and_line_breaks_are_text(api):
    response = post(api, "/api/customers", {"display_name": "Som\tsak", "attributes": {"note": "a\r\nb"}})
    assert response.status_code == 201


def test_id_beyond_64_bits_is_422_not_a_database_error(api):
    response = api.get(f"/api/customers/{2**63}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "customer_id"]


# Lists: search and filters


def test_q_ignores_case_and_accents(api, people):
    assert listed(api.get("/api/customers", {"q": "nguyen"})) == ["Nguyễn Văn An"]
    assert listed(api.get("/api/customers", {"q": "ISIK"})) == ["Şükrü Işık"]


@pytest.mark.parametrize("query", ["081 234 5678", "0812345678", "+66812345678", "+66 81 234 5678"])
def test_q_finds_phone_in_local_or_e164_form(api, people, query):
    assert listed(api.get("/api/customers", {"q": query})) == ["สมศรี ใจดี"]


def test_q_finds_email_in_any_case(api, people):
    assert listed(api.get("/api/customers", {"q": "JUAN.DELACRUZ@EXAMPLE.PH"})) == ["Juan dela Cruz"]


def test_tag_filter(api, people):
    assert listed(api.get("/api/customers", {"tag": "vip"})) == ["Şükrü Işık"]


def test_country_filter(api, people):
    assert listed(api.get("/api/customers", {"country": "VN"})) == ["Nguyễn Văn An"]


def test_consent_filter_lists_only_customers_with_consent_granted(api, people, somchai):
    for key, granted in [("juan", True), ("somsri", False)]:
        consent_record(
            customer=people[key],
            channel="email",
            purpose="marketing",
            granted=granted,
            source="web form",
            by=somchai,
        )
    assert listed(api.get("/api/customers", {"consent": "email:marketing"})) == ["Juan dela Cruz"]


def test_malformed_consent_filter_is_422_at_consent(api):
    response = api.get("/api/customers", {"consent": "email"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "consent"]


def test_unknown_list_parameter_is_422_rather_than_ignored(api, people):
    response = api.get("/api/customers", {"tags": "vip"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "tags"]


def test_list_parameter_given_twice_is_422(api, people):
    response = api.get("/api/customers?country=VN&country=TR")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "country"]


# Cursor pagination


def test_cursor_walks_every_customer_once_newest_first(api, somchai):
    made = [make_customer(somchai, display_name=f"Customer {n:03}").pk for n in range(120)]
    pages, cursor = [], None
    while True:
        response = api.get("/api/customers", {"limit": 50, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200
        page = response.json()
        pages.append([item["id"] for item in page["items"]])
        cursor = page["next"]
        if cursor is None:
            break
    assert [len(page) for page in pages] == [50, 50, 20]
    walked = [pk for page in pages for pk in page]
    assert walked == sorted(made, reverse=True)


def test_last_page_has_no_next_cursor(api, people):
    assert api.get("/api/customers", {"limit": 50}).json()["next"] is None


def test_page_that_ends_the_list_exactly_has_no_next_cursor(api, people):
    first = api.get("/api/customers", {"limit": 2}).json()
    second = api.get("/api/customers", {"limit": 2, "cursor": first["next"]}).json()
    assert len(second["items"]) == 2
    assert second["next"] is None


# Not base64 at all; base64 of nothing; of "x5" (no direction); of "<-5"; of "<abc".
@pytest.mark.parametrize("cursor", ["not-a-cursor!", "!!!", "eDU", "PC01", "PGFiYw"])
def test_bad_cursor_is_422_at_cursor(api, people, cursor):
    response = api.get("/api/customers", {"cursor": cursor})
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["query", "cursor"]


def test_limit_above_200_is_422(api):
    response = api.get("/api/customers", {"limit": 201})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "limit"]


# Consents


def grant_then_withdraw(api, customer):
    an_hour_ago = (timezone.now() - timedelta(hours=1)).isoformat()
    granted = post(
        api,
        "/api/consents",
        {
            "customer": customer.pk,
            "channel": "email",
            "purpose": "marketing",
            "granted": True,
            "source": "web form",
            "occurred_at": an_hour_ago,
        },
    )
    withdrawn = post(
        api,
        "/api/consents",
        {
            "customer": customer.pk,
            "channel": "email",
            "purpose": "marketing",
            "granted": False,
            "source": "unsubscribe link",
            "note": "clicked in the May newsletter",
        },
    )
    return granted, withdrawn


def test_recording_consent_answers_201_with_the_event(api, people):
    granted, withdrawn = grant_then_withdraw(api, people["juan"])
    assert granted.status_code == withdrawn.status_code == 201
    assert granted.json()["granted"] is True
    assert withdrawn.json()["granted"] is False
    assert (withdrawn.json()["recorded_by"], withdrawn.json()["recorded_by_kind"]) == ("somchai", "staff")


def test_consent_in_force_is_the_withdrawal(api, people):
    customer = people["juan"]
    grant_then_withdraw(api, customer)
    items = api.get("/api/consents", {"customer": customer.pk}).json()["items"]
    assert [(c["channel"], c["purpose"], c["granted"], c["source"]) for c in items] == [
        ("email", "marketing", False, "unsubscribe link")
    ]


def test_consent_events_list_grant_and_withdrawal(api, people):
    customer = people["juan"]
    grant_then_withdraw(api, customer)
    items = api.get("/api/consents/events", {"customer": customer.pk}).json()["items"]
    assert [(e["granted"], e["source"]) for e in items] == [(False, "unsubscribe link"), (True, "web form")]


def test_consent_for_unknown_customer_is_404(api):
    response = post(
        api,
        "/api/consents",
        {"customer": 999999, "channel": "sms", "purpose": "service", "granted": True, "source": "call"},
    )
    assert response.status_code == 404


def test_consent_channel_must_be_a_consent_channel(api, people):
    # "social" is an interaction channel, not a channel anyone consents to.
    response = post(
        api,
        "/api/consents",
        {
            "customer": people["juan"].pk,
            "channel": "social",
            "purpose": "marketing",
            "granted": True,
            "source": "x",
        },
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "channel"]


def test_consent_time_without_offset_is_422(api, people):
    response = post(
        api,
        "/api/consents",
        {
            "customer": people["juan"].pk,
            "channel": "email",
            "purpose": "marketing",
            "granted": True,
            "source": "web form",
            "occurred_at": "2024-05-01T09:30:00",
        },
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "occurred_at"]


def test_post_with_a_known_email_answers_200_and_names_the_match(client, somchai, thai_shop):

    _token, secret = token_create(user=somchai, name="t")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    body = {"display_name": "Juan", "emails": ["juan.delacruz@gmail.com"]}
    first = client.post("/api/customers", body, content_type="application/json", **headers)
    again = client.post(
        "/api/customers",
        {**body, "emails": ["JuanDelaCruz+promo@gmail.com"]},
        content_type="application/json",
        **headers,
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.headers["Patron-Matched-On"] == "email"
    assert again.json()["id"] == first.json()["id"]
    assert len(again.json()["emails"]) == 2


@pytest.mark.parametrize("missing", ["channel", "purpose", "granted"])
def test_consent_without_a_choice_is_422(api, people, missing):
    body = {"customer": people["juan"].pk, "channel": "email", "purpose": "marketing", "granted": True}
    body["source"] = "web form"
    del body[missing]
    response = post(api, "/api/consents", body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", missing]
    assert not people["juan"].consent_events.exists()
