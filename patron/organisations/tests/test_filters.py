"""The organisation list's filters, declared once: its page and GET /api/organisations read
the same filters, refuse the same values, and a selection goes to JSON and back."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from patron.conftest import with_token
from patron.organisations.filters import organisation_filters
from patron.organisations.forms import OrganisationFilterForm
from patron.organisations.selectors import organisation_list
from patron.organisations.services import organisation_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def partners(lan, emre, thai_shop):
    organisation_create(by=lan, name="Đà Nẵng Supply", kind="supplier", owner_id=lan.pk)
    organisation_create(by=lan, name="Saigon Supply Co", kind="supplier", owner_id=emre.pk)
    organisation_create(by=lan, name="İstanbul Sermaye Şirketi", kind="investor", owner_id=lan.pk)


def on_the_page(client, query):
    return sorted(o.name for o in client.get(reverse("organisations:list"), query).context["page"].items)


def in_the_api(client, query):
    response = client.get("/api/organisations", query)
    assert response.status_code == 200, response.content
    return sorted(item["name"] for item in response.json()["items"])


def test_the_page_form_and_the_api_come_from_the_one_declaration(client, lan, partners):
    assert list(OrganisationFilterForm().fields) == ["q", "kind", "owner", "cursor"]
    client.force_login(lan)
    html = client.get(reverse("organisations:list")).content.decode()
    assert '<option value="" selected>Mọi người phụ trách</option>' in html  # lan reads Vietnamese
    assert f'<option value="{lan.pk}">lan</option>' in html
    operation = with_token(client, lan).get("/api/openapi.json").json()["paths"]["/api/organisations"]["get"]
    documented = {p["name"]: p["schema"] for p in operation["parameters"]}
    assert list(documented) == ["cursor", "limit", "q", "kind", "owner"]
    assert documented["owner"]["type"] == "integer" and "supplier" in documented["kind"]["enum"]


def test_the_page_and_the_api_list_the_same_organisations(client, lan, emre, partners):
    client.force_login(lan)
    api = with_token(client, lan)
    for query, expected in [
        ({"kind": "supplier"}, ["Saigon Supply Co", "Đà Nẵng Supply"]),
        ({"owner": str(lan.pk)}, ["Đà Nẵng Supply", "İstanbul Sermaye Şirketi"]),
        ({"q": "supply", "owner": str(emre.pk)}, ["Saigon Supply Co"]),
        ({"q": "istanbul sirket"}, ["İstanbul Sermaye Şirketi"]),
    ]:
        assert on_the_page(client, query) == in_the_api(api, query) == expected, query
        assert sorted(o.name for o in organisation_list(**query)) == expected


@pytest.mark.parametrize(("query", "name"), [({"kind": "friend"}, "kind"), ({"owner": "999999"}, "owner")])
def test_a_bad_value_is_refused_by_the_page_and_the_api(client, lan, partners, query, name):
    client.force_login(lan)
    response = client.get(reverse("organisations:list"), query)
    assert response.context["page"] is None and name in response.context["form"].errors
    response = with_token(client, lan).get("/api/organisations", query)
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["query", name]
    if name == "owner":
        assert error["msg"] == "Không có nhân viên nào có mã 999999."  # in lan's language


def test_a_selection_goes_to_json_and_back(lan, partners):
    selection = organisation_filters.parse({"q": "supply", "kind": "supplier", "owner": lan.pk})
    stored = selection.to_json()
    assert stored == {"q": "supply", "kind": "supplier", "owner": lan.pk}
    assert organisation_filters.from_json(stored) == selection
    assert [o.name for o in organisation_list(organisation_filters.from_json(stored))] == ["Đà Nẵng Supply"]
    for bad in [{"owner": str(lan.pk)}, {"sort": "name"}, {"kind": "friend"}]:
        with pytest.raises(ValidationError) as refused:
            organisation_filters.from_json(bad)
        assert list(refused.value.message_dict) == list(bad)
