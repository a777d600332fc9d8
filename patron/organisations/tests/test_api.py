"""/api/organisations through the HTTP API: partners, their people, and the list by kind."""

import pytest

from patron.conftest import with_token
from patron.organisations.models import Organisation
from patron.organisations.services import organisation_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, lan, thai_shop):
    """Signed in as Lan, the marketer, who keeps the list of partners."""
    return with_token(client, lan)


@pytest.fixture
def supplier(somchai, thai_shop):
    return organisation_create(by=somchai, name="Bangkok Tea Traders", kind="supplier", country="TH")


def post(api, url, body):
    return api.post(url, body, content_type="application/json")


def test_create(api, lan):
    response = post(
        api,
        "/api/organisations",
        {"name": "Saigon Print Co", "kind": "agency", "country": "vn", "website": "https://print.example.vn"},
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["kind"], body["country"], body["contacts"]) == (
        "Saigon Print Co",
        "agency",
        "VN",
        [],
    )
    assert Organisation.objects.filter(pk=body["id"]).exists()


def test_create_with_unknown_kind_is_422_at_kind(api):
    response = post(api, "/api/organisations", {"name": "X", "kind": "friend"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "kind"]


def test_create_with_bad_website_is_422_at_website(api):
    response = post(api, "/api/organisations", {"name": "X", "kind": "agency", "website": "print dot vn"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "website"]


def test_owner_who_is_no_staff_member_is_422_at_owner(api):
    response = post(api, "/api/organisations", {"name": "X", "kind": "agency", "owner": 999999})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "owner"]


def test_patch_changes_only_the_fields_sent(api, supplier, lan):
    response = api.patch(
        f"/api/organisations/{supplier.pk}",
        {"name": "Bangkok Tea Traders Ltd", "owner": lan.pk},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["kind"], body["country"], body["owner"]) == (
        "Bangkok Tea Traders Ltd",
        "supplier",
        "TH",
        lan.pk,
    )


def test_patch_of_unknown_organisation_is_404(api):
    response = api.patch("/api/organisations/999999", {"name": "X"}, content_type="application/json")
    assert response.status_code == 404


def test_add_contact_normalises_phone_in_organisations_country(api, supplier):
    response = post(
        api,
        f"/api/organisations/{supplier.pk}/contacts",
        {"name": "Anong", "role": "Sales", "email": "anong@example.co.th", "phone": "081 234 5678"},
    )
    assert response.status_code == 201
    assert response.json()["phone"] == "+66812345678"
    contacts = api.get(f"/api/organisations/{supplier.pk}").json()["contacts"]
    assert [c["name"] for c in contacts] == ["Anong"]


def test_add_contact_with_bad_email_is_422_at_email(api, supplier):
    response = post(api, f"/api/organisations/{supplier.pk}/contacts", {"name": "Anong", "email": "anong@"})
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "payload", "email"]
    assert "anong@" in error["msg"]


def test_add_contact_to_unknown_organisation_is_404(api):
    response = post(api, "/api/organisations/999999/contacts", {"name": "Anong"})
    assert response.status_code == 404


def test_list_filters_by_kind(api, supplier, somchai):
    organisation_create(by=somchai, name="Siam Capital", kind="investor")
    response = api.get("/api/organisations", {"kind": "supplier"})
    assert response.status_code == 200
    assert [o["name"] for o in response.json()["items"]] == ["Bangkok Tea Traders"]


def test_list_searches_names(api, supplier, somchai):
    organisation_create(by=somchai, name="Siam Capital", kind="investor")
    response = api.get("/api/organisations", {"q": "capital"})
    assert [o["name"] for o in response.json()["items"]] == ["Siam Capital"]


def test_unknown_organisation_is_404(api):
    assert api.get("/api/organisations/999999").status_code == 404
