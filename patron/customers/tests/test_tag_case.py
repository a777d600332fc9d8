"""Tags compared without case: "VIP" and "vip" are one tag, in the database, the services, the
filter, the API and the customer import; 0015 folds tags that already differ only in case."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from patron.conftest import with_token
from patron.customers.models import Customer, Tag
from patron.customers.selectors import customer_list
from patron.customers.services import CustomerData, customer_update
from patron.customers.tests.factories import make_customer
from patron.imports.customers import import_customers


@pytest.mark.django_db
def test_the_database_holds_one_tag_whatever_the_case():
    Tag.objects.create(name="VIP")
    with pytest.raises(IntegrityError), transaction.atomic():
        Tag.objects.create(name="vip")
    with pytest.raises(IntegrityError), transaction.atomic():
        Tag.objects.bulk_create([Tag(name="Vip")])
    Tag.objects.create(name="Khách VIP")
    with pytest.raises(IntegrityError), transaction.atomic():
        Tag.objects.create(name="KHÁCH VIP")
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Khách VIP", "VIP"]


@pytest.mark.django_db
def test_a_tag_typed_in_another_case_is_the_existing_tag(somchai, emre):
    first = make_customer(somchai, display_name="Somsri", tags=["VIP"])
    second = make_customer(somchai, display_name="Lan", tags=["vip", "Vip", "wholesale"])
    assert list(second.tags.values_list("name", flat=True)) == ["VIP", "wholesale"]
    # An agent may not make tags, but "vip" is one that exists.
    customer_update(customer=first, data=CustomerData(tags=["VIP", "vip", "WHOLESALE"]), by=emre)
    assert sorted(first.tags.values_list("name", flat=True)) == ["VIP", "wholesale"]
    assert Tag.objects.count() == 2
    assert sorted(c.display_name for c in customer_list(tag="vip")) == ["Lan", "Somsri"]
    assert sorted(c.display_name for c in customer_list(tag="WHOLESALE")) == ["Lan", "Somsri"]


@pytest.mark.django_db
def test_the_api_finds_the_existing_tag_whatever_the_case(client, somchai):
    Tag.objects.create(name="VIP")
    api = with_token(client, somchai)
    response = api.post(
        "/api/customers", {"display_name": "Juan", "tags": ["vip"]}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["tags"] == ["VIP"]
    listed = api.get("/api/customers", {"tag": "vIp"}).json()["items"]
    assert [item["display_name"] for item in listed] == ["Juan"]
    assert Tag.objects.count() == 1


@pytest.mark.django_db
def test_the_customer_import_finds_the_existing_tag_whatever_the_case(tmp_path, somchai, emre, thai_shop):
    make_customer(somchai, display_name="Somsri", emails=["somsri@example.co.th"], tags=["VIP"])
    path = tmp_path / "customers.csv"
    path.write_text(
        "name,email,tags\n"
        "Somsri,somsri@example.co.th,vip\n"  # the same customer: the tag she has, in another case
        "Lan,lan@example.vn,Vip\n"
        "Emre,emre@example.com.tr,vip\n",
        encoding="utf-8",
    )
    # A Service agent, who may not make tags, imports: "vip" is the tag VIP.
    summary = import_customers(path, source="pos", by=emre)
    assert summary.rejected == 0, summary
    assert list(Tag.objects.values_list("name", flat=True)) == ["VIP"]
    tagged = Customer.objects.filter(tags__name="VIP").values_list("display_name", flat=True)
    assert sorted(tagged) == ["Emre", "Lan", "Somsri"]


BEFORE = [("customers", "0014_customer_owner")]
AFTER = [("customers", "0016_tag_key_unique")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_folds_tags_that_differ_only_in_case():
    old = _migrate(BEFORE)
    Tag = old.get_model("customers", "Tag")
    customers = old.get_model("customers", "Customer").objects
    vip, lower, shout = (Tag.objects.create(name=name) for name in ("VIP", "vip", "Vip"))
    other = Tag.objects.create(name="wholesale")
    both = customers.create(display_name="Somsri")  # has VIP and vip: keeps one link
    both.tags.set([vip, lower])
    only_lower = customers.create(display_name="Lan")
    only_lower.tags.set([lower, other])
    only_shout = customers.create(display_name="Emre")
    only_shout.tags.set([shout])
    untagged = customers.create(display_name="Juan")
    try:
        new = _migrate(AFTER)
        Tag = new.get_model("customers", "Tag")
        Link = new.get_model("customers", "Customer").tags.through
        assert list(Tag.objects.order_by("name").values_list("pk", "name", "key")) == [
            (vip.pk, "VIP", "vip"),
            (other.pk, "wholesale", "wholesale"),
        ]
        links = sorted(Link.objects.values_list("customer_id", "tag_id"))
        assert links == sorted(
            [(both.pk, vip.pk), (only_lower.pk, vip.pk), (only_lower.pk, other.pk), (only_shout.pk, vip.pk)]
        )
        assert not Link.objects.filter(customer_id=untagged.pk).exists()
        with pytest.raises(IntegrityError), transaction.atomic():
            Tag.objects.create(name="vIP", key="vip")
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
