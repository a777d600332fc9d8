"""A person's copy of their data: every declared holding, the records merged into them, audited."""

import json

import pytest
from django.urls import reverse

from patron.conftest import with_token
from patron.customers import registry
from patron.customers.models import AuditEvent
from patron.duplicates.merging import customer_merge
from patron.duplicates.tests.factories import an_twice

pytestmark = pytest.mark.django_db


@pytest.fixture
def an(somchai, thai_shop):
    """Nguyễn Văn An's shop record, with the web record merged into it."""
    shop, web = an_twice(somchai)
    customer_merge(survivor=shop, merged=web, by=somchai)
    return shop, web


def test_the_export_holds_every_declared_holding_and_the_merged_record(client, somchai, an):
    shop, web = an
    response = with_token(client, somchai).get(f"/api/customers/{shop.pk}/export")
    assert response.status_code == 200
    document = response.json()
    assert document["records"] == [shop.pk, web.pk]
    exported = {h.name for h in registry.holdings() if h.export}
    assert set(document["data"]) == exported and "duplicate_pairs" not in exported
    profiles = {row["id"]: row for row in document["data"]["profile"]}
    assert profiles[web.pk]["birthday"] == "1990-05-01" and profiles[web.pk]["merged_into_id"] == shop.pk
    addresses = {row["value"] for row in document["data"]["contact_points"] if row["kind"] == "email"}
    assert addresses == {"an.nguyen@example.vn", "an@x.vn"}
    orders = document["data"]["orders"]
    assert sorted(order["total"] for order in orders) == [
        "10.0000",
        "1200.0000",
        "150.0000",
        "80.5000",
        "99.9900",
    ]
    assert all(order["customer_id"] == shop.pk for order in orders)
    assert {row["tag"] for row in document["data"]["tags"]} == {"regular", "vip"}
    assert {row["customer_id"] for row in document["data"]["consent_events"]} == {shop.pk}
    assert document["data"]["merges"][0]["merged_id"] == web.pk
    assert document["exported_by"] == "somchai"


def test_the_export_is_audited_without_the_data(client, somchai, an):
    shop, _web = an
    with_token(client, somchai).get(f"/api/customers/{shop.pk}/export")
    event = AuditEvent.objects.get(customer=shop, action=AuditEvent.Action.EXPORT)
    assert event.actor == somchai
    assert "an.nguyen@example.vn" not in json.dumps(event.changes)
    assert "orders" in event.changes["exported"][1]


def test_only_who_may_export_gets_the_copy(client, lan, an):
    shop, _web = an
    assert with_token(client, lan).get(f"/api/customers/{shop.pk}/export").status_code == 403
    assert client.get("/api/customers/999999/export").status_code in (403, 404)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_an_unknown_customer_is_404(client, somchai, thai_shop):
    assert with_token(client, somchai).get("/api/customers/999999/export").status_code == 404


def test_the_customer_page_offers_the_copy_as_a_download(client, somchai, lan, an):
    shop, _web = an
    client.force_login(somchai)
    page = client.get(reverse("customers:detail", args=[shop.pk])).content.decode()
    url = reverse("customers:export", args=[shop.pk])
    assert f'href="{url}"' in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="customer-{shop.pk}.json"'
    assert "Nguyễn Văn" in response.content.decode()  # written as it reads, not escaped
    client.force_login(lan)
    assert f'href="{url}"' not in client.get(reverse("customers:detail", args=[shop.pk])).content.decode()
    assert client.get(url).status_code == 403
