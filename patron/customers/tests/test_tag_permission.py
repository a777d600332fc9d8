"""Tags are the shop's vocabulary: every role that edits customers applies the existing tags,
and only a role with customers.add_tag (Admin, Marketer) makes a new one, on every way in:
the service, the API, the customer form and an import."""

import csv

import pytest
from django.core.exceptions import ValidationError

from patron.conftest import with_token
from patron.customers.models import Customer, Tag
from patron.customers.services import CustomerData, customer_create, customer_update
from patron.customers.tests.factories import make_customer
from patron.imports.customers import import_customers

pytestmark = pytest.mark.django_db


@pytest.fixture
def somsri(somchai, thai_shop):
    customer = make_customer(somchai, "somsri")
    customer_update(customer=customer, data=CustomerData(tags=["VIP"]), by=somchai)
    return customer


def test_a_service_agent_applies_existing_tags_but_cannot_make_new_ones(emre, somsri):
    customer_update(customer=somsri, data=CustomerData(tags=["VIP"]), by=emre)
    with pytest.raises(ValidationError) as caught:
        customer_update(customer=somsri, data=CustomerData(tags=["VIP", "  cheap  skate "]), by=emre)
    assert caught.value.message_dict == {
        "tags.1": ["There is no tag cheap skate, and your role may not add tags: choose an existing tag."]
    }
    assert not Tag.objects.filter(name="cheap skate").exists()
    assert [t.name for t in Customer.objects.get(pk=somsri.pk).tags.all()] == ["VIP"]


def test_a_service_agent_creating_a_customer_with_a_new_tag_writes_nothing(emre, somsri):
    with pytest.raises(ValidationError):
        customer_create(data=CustomerData(display_name="Ayşe", tags=["new-tag"]), by=emre)
    assert not Customer.objects.filter(display_name="Ayşe").exists()
    assert not Tag.objects.filter(name="new-tag").exists()


def test_a_marketer_makes_new_tags(lan, somsri):
    customer_update(customer=somsri, data=CustomerData(tags=["VIP", "newsletter"]), by=lan)
    assert sorted(t.name for t in Customer.objects.get(pk=somsri.pk).tags.all()) == ["VIP", "newsletter"]


def test_the_api_answers_422_at_the_new_tag_for_a_service_agent_and_201_for_a_marketer(
    client, emre, lan, somsri
):
    body = {"display_name": "Ayşe Yılmaz", "tags": ["VIP", "walk-in"]}
    agent = with_token(client, emre).post("/api/customers", body, content_type="application/json")
    assert agent.status_code == 422
    assert [error["loc"] for error in agent.json()["detail"]] == [["body", "payload", "tags", 1]]
    assert "walk-in" in agent.json()["detail"][0]["msg"]
    marketer = with_token(client, lan).post("/api/customers", body, content_type="application/json")
    assert marketer.status_code == 201 and marketer.json()["tags"] == ["VIP", "walk-in"]


def test_the_customer_form_says_so_to_a_service_agent(client, emre, somsri):
    client.force_login(emre)
    form = {"display_name": "Ayşe", "country": "TR", "tags": "VIP, walk-in"}
    response = client.post("/customers/new/", form)
    assert response.status_code == 200
    assert not Customer.objects.filter(display_name="Ayşe").exists()
    # In the Turkish agent's own language.
    assert "walk-in adlı bir etiket yok" in response.content.decode()


def test_an_import_by_a_service_agent_rejects_rows_with_new_tags(emre, somsri, tmp_path):
    path = tmp_path / "customers.csv"
    path.write_text("id,name,tags\nT1,Ayşe,VIP\nT2,Mehmet,walk-in\n", encoding="utf-8")
    summary = import_customers(path, by=emre, source="pos")
    assert (summary.created, summary.rejected) == (1, 1)
    with open(summary.reject_file, encoding="utf-8-sig", newline="") as file:
        rejected = list(csv.DictReader(file))
    assert [row["id"] for row in rejected] == ["T2"] and "walk-in" in rejected[0]["reason"]
    assert not Tag.objects.filter(name="walk-in").exists()
