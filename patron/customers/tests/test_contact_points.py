"""Contact points: how each kind is read, what the database refuses, and chat ids through the
services, search, the form and the API."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from patron.conftest import with_token
from patron.customers.contact_kinds import contact_point
from patron.customers.models import ContactPoint, Customer
from patron.customers.selectors import customer_list
from patron.customers.services import (
    CustomerData,
    customer_create,
    customer_create_or_attach,
    customer_update,
)

pytestmark = pytest.mark.django_db

LINE_ID = "U8189cf6745fc0d808977bdb0b9f22995"
ZALO_ID = "2468458835296117922"
VIBER_ID = "tMNGhftyUPrB3r1lD+bT4g=="


@pytest.mark.parametrize(
    ("kind", "raw", "region", "expected"),
    [
        (
            "email",
            " Somsri.J+shop@Gmail.com ",
            "TH",
            ("Somsri.J+shop@Gmail.com", "somsri.j+shop@gmail.com", "somsrij@gmail.com"),
        ),
        (
            "email",
            "An.Nguyen@Example.vn",
            "VN",
            ("An.Nguyen@Example.vn", "an.nguyen@example.vn", "an.nguyen@example.vn"),
        ),
        ("phone", "081 234 5678", "TH", ("081 234 5678", "+66812345678", "+66812345678")),
        ("phone", "+84 90 123 4567", "TH", ("+84 90 123 4567", "+84901234567", "+84901234567")),
        ("whatsapp", "0532 123 45 67", "TR", ("0532 123 45 67", "+905321234567", "+905321234567")),
        # LINE gives lower-case hexadecimal digits: an id typed in capitals is the same id.
        ("line", LINE_ID, "TH", (LINE_ID, LINE_ID, LINE_ID)),
        (
            "line",
            " U8189CF6745FC0D808977BDB0B9F22995",
            "TH",
            ("U8189CF6745FC0D808977BDB0B9F22995", LINE_ID, LINE_ID),
        ),
        ("zalo", f" {ZALO_ID} ", "VN", (ZALO_ID, ZALO_ID, ZALO_ID)),
        # Viber ids are Base64: their case is part of the id.
        ("viber", VIBER_ID, "PH", (VIBER_ID, VIBER_ID, VIBER_ID)),
    ],
)
def test_each_kind_is_kept_as_entered_normalised_and_matched_by_its_own_rule(kind, raw, region, expected):
    assert contact_point(kind, raw, region) == expected


@pytest.mark.parametrize(
    ("kind", "raw", "message"),
    [
        ("email", "somsri@", "somsri@ is not an e-mail address."),
        ("phone", "12", "12 is not a valid phone number for TH."),
        ("whatsapp", "not a number", "not a number is not a phone number."),
        ("line", "somsri99", "somsri99 is not a LINE user id"),  # a LINE ID people search for
        ("line", "U8189cf6745fc0d808977bdb0b9f2299", "is not a LINE user id"),  # 31 digits
        ("line", "U8189cf6745fc0d808977bdb0b9f2299g", "is not a LINE user id"),
        ("zalo", "zalo.an", "zalo.an is not a Zalo user id"),
        ("zalo", "1" * 33, "is not a Zalo user id"),
        ("viber", "an viber", "an viber is not a Viber user id"),
        ("viber", "ab=cd", "is not a Viber user id"),
        ("telegram", "@an", "Choose one of: email, phone, line, zalo, viber, whatsapp."),
        ("line", "U" + "a" * 300, "At most 254 characters."),
    ],
)
def test_a_bad_value_is_refused_saying_what_it_should_be(kind, raw, message):
    with pytest.raises(ValidationError) as refusal:
        contact_point(kind, raw, "TH")
    assert message in refusal.value.messages[0]


def test_the_database_refuses_a_second_primary_of_one_kind_but_takes_one_of_each_kind(somchai, thai_shop):
    customer = Customer.objects.create(display_name="Somsri")
    ContactPoint.objects.create(
        customer=customer,
        kind="email",
        value="s@x.th",
        normalised="s@x.th",
        match_key="s@x.th",
        is_primary=True,
    )
    ContactPoint.objects.create(
        customer=customer, kind="phone", value="+66812345678", normalised="+66812345678", is_primary=True
    )
    ContactPoint.objects.create(
        customer=customer, kind="line", value=LINE_ID, normalised=LINE_ID, is_primary=True
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactPoint.objects.create(
            customer=customer, kind="email", value="t@x.th", normalised="t@x.th", is_primary=True
        )
    with pytest.raises(IntegrityError), transaction.atomic():  # the same e-mail twice
        ContactPoint.objects.create(customer=customer, kind="email", value="S@x.th", normalised="s@x.th")
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactPoint.objects.create(customer=customer, kind="telegram", value="@s", normalised="@s")
    assert ContactPoint.objects.filter(customer=customer, is_primary=True).count() == 3


def test_chat_ids_are_kept_updated_in_place_and_the_first_of_each_kind_is_primary(somchai, thai_shop):
    customer = customer_create(
        data=CustomerData(
            given_name="Somsri",
            emails=["somsri@example.co.th"],
            contact_points=[("line", LINE_ID), ("whatsapp", "081 234 5678"), ("line", "U" + "0" * 32)],
        ),
        by=somchai,
    )
    points = {(p.kind, p.normalised): p for p in customer.contact_points.all()}
    assert sorted(points) == [
        ("email", "somsri@example.co.th"),
        ("line", "U" + "0" * 32),
        ("line", LINE_ID),
        ("whatsapp", "+66812345678"),
    ]
    assert points["line", LINE_ID].is_primary and not points["line", "U" + "0" * 32].is_primary
    # The second LINE id made primary: the same rows, the primary moved, nothing else touched.
    customer_update(
        customer=customer,
        data=CustomerData(
            contact_points=[("line", "U" + "0" * 32, True), ("line", LINE_ID), ("whatsapp", "+66812345678")]
        ),
        by=somchai,
    )
    after = {(p.kind, p.normalised): p for p in customer.contact_points.all()}
    assert set(after) == set(points) - {("email", "somsri@example.co.th")}  # every kind restated
    assert {key: p.pk for key, p in after.items()} == {key: points[key].pk for key in after}
    assert after["line", "U" + "0" * 32].is_primary and not after["line", LINE_ID].is_primary
    changes = customer.audit_events.get(action="update").changes
    assert changes["line"] == [[LINE_ID, "U" + "0" * 32], ["U" + "0" * 32, LINE_ID]]
    assert changes["emails"] == [["somsri@example.co.th"], []]
    assert "whatsapp" not in changes  # the same number, its value as entered kept


def test_two_primaries_of_one_kind_are_refused_at_the_second(somchai, thai_shop):
    with pytest.raises(ValidationError) as refusal:
        customer_create(
            data=CustomerData(
                given_name="An", contact_points=[("zalo", ZALO_ID, True), ("zalo", "42", True)]
            ),
            by=somchai,
        )
    assert refusal.value.message_dict == {
        "contact_points.1": ["Only one contact point of each kind can be the primary one."]
    }


def test_a_chat_id_finds_the_customer_who_holds_it(somchai, thai_shop):
    an = customer_create(data=CustomerData(given_name="An", contact_points=[("zalo", ZALO_ID)]), by=somchai)
    found, matched_on = customer_create_or_attach(
        data=CustomerData(
            given_name="Nguyen Van An", emails=["an@x.vn"], contact_points=[("zalo", f" {ZALO_ID}")]
        ),
        by=somchai,
    )
    assert (found.pk, matched_on) == (an.pk, "zalo")
    assert sorted((p.kind, p.value) for p in found.contact_points.all()) == [
        ("email", "an@x.vn"),
        ("zalo", ZALO_ID),
    ]


@pytest.mark.parametrize("query", [LINE_ID, LINE_ID.upper(), LINE_ID[:12], ZALO_ID, VIBER_ID])
def test_search_finds_a_customer_by_a_chat_id(somchai, thai_shop, query):
    customer = customer_create(
        data=CustomerData(
            given_name="Malee", contact_points=[("line", LINE_ID), ("zalo", ZALO_ID), ("viber", VIBER_ID)]
        ),
        by=somchai,
    )
    customer_create(data=CustomerData(given_name="Malee", phones=["081 234 5678"]), by=somchai)
    assert [c.pk for c in customer_list(q=query)] == [customer.pk]


def test_the_form_adds_a_chat_id_and_the_page_shows_each_with_its_kind(client, somchai, thai_shop):
    client.force_login(somchai)
    fields = {
        "given_name": "Somsri",
        "phones": "081 234 5678",
        "contact_points": f"LINE: {LINE_ID}\nviber: {VIBER_ID}",
    }
    response = client.post(reverse("customers:create"), fields)
    customer = Customer.objects.get()
    assert response.status_code == 302
    assert sorted((p.kind, p.value) for p in customer.chat_points) == [("line", LINE_ID), ("viber", VIBER_ID)]
    html = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert "<dt>LINE</dt>" in html and LINE_ID in html and "<dt>Viber</dt>" in html
    edit = client.get(reverse("customers:edit", args=[customer.pk])).content.decode()
    assert f"line: {LINE_ID}" in edit

    response = client.post(
        reverse("customers:create"), {"given_name": "An", "contact_points": "telegram: @an"}
    )
    assert "contact_points" in response.context["form"].errors


def test_the_form_attaches_to_whoever_holds_the_chat_id_and_says_so(client, somchai, thai_shop):
    holder = customer_create(
        data=CustomerData(given_name="Somsri", contact_points=[("zalo", ZALO_ID)]), by=somchai
    )
    client.force_login(somchai)
    client.post(reverse("accounts:language"), {"language": "en"})
    response = client.post(
        reverse("customers:create"),
        {"given_name": "Somsri J.", "contact_points": f"zalo: {ZALO_ID}\nline: {LINE_ID}"},
        follow=True,
    )
    assert response.status_code == 200 and Customer.objects.get() == holder
    assert sorted(p.kind for p in holder.chat_points) == ["line", "zalo"]
    assert "Somsri already has this Zalo id: the new details were added to their record." in [
        str(m) for m in response.context["messages"]
    ]


def test_the_api_answers_contact_points_beside_emails_and_phones(client, somchai, thai_shop):
    api = with_token(client, somchai)
    body = {
        "display_name": "Somsri",
        "emails": ["somsri@example.co.th"],
        "phones": ["081 234 5678"],
        "contact_points": [
            {"kind": "line", "value": LINE_ID},
            {"kind": "email", "value": "s.jaidee@example.com"},
        ],
    }
    created = api.post("/api/customers", body, content_type="application/json")
    assert created.status_code == 201, created.content
    answer = created.json()
    assert answer["emails"] == ["somsri@example.co.th", "s.jaidee@example.com"]
    assert answer["phones"] == ["+66812345678"]
    assert answer["contact_points"] == [
        {"kind": "email", "value": "somsri@example.co.th", "primary": True, "verified_at": None},
        {"kind": "email", "value": "s.jaidee@example.com", "primary": False, "verified_at": None},
        {"kind": "line", "value": LINE_ID, "primary": True, "verified_at": None},
        {"kind": "phone", "value": "081 234 5678", "primary": True, "verified_at": None},
    ]
    listed = api.get("/api/customers").json()["items"][0]
    assert listed["contact_points"] == answer["contact_points"] and listed["phones"] == ["+66812345678"]

    # PATCH with contact_points alone: every contact point is what it lists.
    url = f"/api/customers/{answer['id']}"
    changed = api.patch(
        url,
        {"contact_points": [{"kind": "phone", "value": "+66812345678"}, {"kind": "zalo", "value": ZALO_ID}]},
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["emails"] == [] and changed.json()["phones"] == ["+66812345678"]
    assert [(p["kind"], p["value"]) for p in changed.json()["contact_points"]] == [
        ("phone", "081 234 5678"),
        ("zalo", ZALO_ID),
    ]
    refused = api.patch(
        url, {"contact_points": [{"kind": "line", "value": "somsri99"}]}, content_type="application/json"
    )
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"][-2:] == ["contact_points", 0]
    unknown = api.patch(
        url, {"contact_points": [{"kind": "telegram", "value": "@s"}]}, content_type="application/json"
    )
    assert unknown.status_code == 422
