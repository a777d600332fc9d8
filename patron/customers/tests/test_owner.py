"""Every customer may have an owner: set on the form, the API and in bulk, shown on the page and
in the list, filtered by owner=<user name>, owner=none and "my customers", and kept by a merge."""

import pytest
from django.core.exceptions import ValidationError

from patron.conftest import with_token
from patron.customers.models import AuditEvent
from patron.customers.selectors import customer_list
from patron.customers.services import CustomerData, customer_update
from patron.customers.tests.factories import make_customer
from patron.duplicates.merging import customer_merge, merge_undo

pytestmark = pytest.mark.django_db


def names(customers):
    return sorted(customer.display_name for customer in customers)


@pytest.fixture
def owned(somchai, lan, emre):
    return {
        "somsri": make_customer(somchai, display_name="Somsri", owner="lan"),
        "an": make_customer(somchai, display_name="An", owner="emre"),
        "juan": make_customer(somchai, display_name="Juan"),
    }


def test_the_owner_is_set_audited_and_filtered(somchai, lan, owned):
    assert owned["somsri"].owner == lan
    assert names(customer_list(owner="lan")) == ["Somsri"]
    assert names(customer_list(owner="none")) == ["Juan"]
    customer_update(customer=owned["juan"], data=CustomerData(owner="lan"), by=somchai)
    assert names(customer_list(owner="lan")) == ["Juan", "Somsri"]
    changes = AuditEvent.objects.filter(customer=owned["juan"], action="update").get().changes
    assert changes == {"owner": [None, "lan"]}
    customer_update(customer=owned["juan"], data=CustomerData(owner=""), by=somchai)
    assert names(customer_list(owner="none")) == ["Juan"]
    with pytest.raises(ValidationError) as caught:
        customer_list(owner="nobody")
    assert "nobody" in str(caught.value)


def test_an_owner_must_be_active_staff(somchai, lan, owned):
    lan.is_active = False
    lan.save()
    with pytest.raises(ValidationError) as caught:
        customer_update(customer=owned["juan"], data=CustomerData(owner="lan"), by=somchai)
    assert list(caught.value.message_dict) == ["owner"]
    # Someone who left still owns their customers until they are given to another.
    assert names(customer_list(owner="lan")) == ["Somsri"]


def test_my_customers_and_the_owner_on_the_pages(client, lan, owned):
    client.force_login(lan)
    page = client.get("/customers/").content.decode()
    assert 'href="/customers/?owner=lan"' in page  # "My customers"
    mine = client.get("/customers/", {"owner": "lan"})
    assert names(mine.context["page"].items) == ["Somsri"]
    assert (mine.context["count"].value, mine.context["count"].exact) == (1, True)
    detail = client.get(f"/customers/{owned['an'].pk}/").content.decode()
    assert "<dd>emre</dd>" in detail


def test_the_form_sets_the_owner_and_keeps_one_who_left(client, somchai, lan, emre, owned):
    client.force_login(somchai)
    customer = owned["somsri"]
    form = client.get(f"/customers/{customer.pk}/edit/").context["form"]
    assert form.initial["owner"] == "lan"
    data = {name: value for name, value in form.initial.items() if value is not None}
    response = client.post(f"/customers/{customer.pk}/edit/", data | {"owner": "emre"})
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.owner == emre
    emre.is_active = False
    emre.save()
    # Saved as it came, the form keeps the owner who left.
    form = client.get(f"/customers/{customer.pk}/edit/").context["form"]
    assert ("emre", "emre") in form.fields["owner"].choices
    data = {name: value for name, value in form.initial.items() if value is not None}
    assert client.post(f"/customers/{customer.pk}/edit/", data).status_code == 302
    customer.refresh_from_db()
    assert customer.owner == emre


def test_the_api_shows_filters_and_sets_the_owner(client, somchai, lan, owned):
    api = with_token(client, somchai)
    listed = api.get("/api/customers", {"owner": "lan"}).json()["items"]
    assert [(item["display_name"], item["owner"]) for item in listed] == [("Somsri", "lan")]
    none = api.get("/api/customers", {"owner": "none"}).json()["items"]
    assert [(item["display_name"], item["owner"]) for item in none] == [("Juan", None)]
    juan = owned["juan"].pk
    response = api.patch(f"/api/customers/{juan}", {"owner": "lan"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["owner"] == "lan"
    response = api.patch(f"/api/customers/{juan}", {"owner": None}, content_type="application/json")
    assert response.status_code == 200 and response.json()["owner"] is None
    response = api.patch(f"/api/customers/{juan}", {"owner": "ghost"}, content_type="application/json")
    assert response.status_code == 422
    assert api.get("/api/customers", {"owner": "ghost"}).status_code == 422


def test_a_merge_keeps_the_survivors_owner_else_the_merged_ones(somchai, lan, emre, owned):
    juan, somsri, an = owned["juan"], owned["somsri"], owned["an"]
    merge = customer_merge(survivor=juan, merged=somsri, by=somchai)
    juan.refresh_from_db()
    assert juan.owner == lan  # Juan had none: Somsri's
    customer_merge(survivor=juan, merged=an, by=somchai)
    juan.refresh_from_db()
    assert juan.owner == lan  # Juan's own now, not An's (emre)
    merge_undo(merge=merge.__class__.objects.filter(merged=an).get(), by=somchai)
    merge_undo(merge=merge, by=somchai)
    juan.refresh_from_db()
    assert juan.owner is None
