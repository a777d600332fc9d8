"""The migration of e-mails and phones into contact points, on a database with data in it.

Each test takes the customers app back to before contact points (0010), writes rows through
the historical models, migrates forward (or back) and reads what arrived; the database is
migrated forward to the latest migrations again whatever happens, so later tests see it whole.
"""

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

BEFORE = [("customers", "0010_actors")]
AFTER = [("customers", "0013_drop_emails_phones")]
COPY = importlib.import_module("patron.customers.migrations.0012_contact_points_copy")

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(targets):
    """Migrate to ``targets``; the historical models there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_before():
    """The apps of the state before contact points; the latest migrations again afterwards."""
    try:
        yield migrate(BEFORE)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def inserts_into(queries, table):
    return [q for q in queries.captured_queries if q["sql"].startswith(f'INSERT INTO "{table}"')]


def test_every_email_and_phone_becomes_a_contact_point_in_batches(back_to_before, monkeypatch):
    apps = back_to_before
    Customer = apps.get_model("customers", "Customer")
    Email = apps.get_model("customers", "CustomerEmail")
    Phone = apps.get_model("customers", "CustomerPhone")
    somsri = Customer.objects.create(display_name="Somsri")
    juan = Customer.objects.create(display_name="Juan")
    emails = [
        # A row of before match keys were kept: its key is made by the Gmail rule.
        (somsri, "Somsri.J+shop@Gmail.com", "somsri.j+shop@gmail.com", "", True),
        (somsri, "somsri@example.co.th", "somsri@example.co.th", "somsri@example.co.th", False),
        (juan, "Juan.Dela.Cruz@gmail.com", "juan.dela.cruz@gmail.com", "juandelacruz@gmail.com", True),
    ]
    for customer, address, normalised, key, primary in emails:
        Email.objects.create(
            customer=customer, address=address, normalised=normalised, match_key=key, is_primary=primary
        )
    phones = [
        (somsri, "+66812345678", "081 234 5678", True),
        (somsri, "+66898765432", "", False),  # no number as entered: its E.164 form is the value
        (juan, "+639171234567", "0917 123 4567", True),
    ]
    for customer, e164, raw, primary in phones:
        Phone.objects.create(customer=customer, e164=e164, raw=raw, is_primary=primary)

    monkeypatch.setattr(COPY, "BATCH", 2)
    with CaptureQueriesContext(connection) as queries:
        apps = migrate(AFTER)

    # Three e-mails and three phones, two rows a batch: two inserts each.
    assert len(inserts_into(queries, "customers_contactpoint")) == 4
    Point = apps.get_model("customers", "ContactPoint")
    rows = Point.objects.values_list("customer_id", "kind", "value", "normalised", "match_key", "is_primary")
    assert sorted(rows) == sorted(
        [
            (
                somsri.pk,
                "email",
                "Somsri.J+shop@Gmail.com",
                "somsri.j+shop@gmail.com",
                "somsrij@gmail.com",
                True,
            ),
            (
                somsri.pk,
                "email",
                "somsri@example.co.th",
                "somsri@example.co.th",
                "somsri@example.co.th",
                False,
            ),
            (
                juan.pk,
                "email",
                "Juan.Dela.Cruz@gmail.com",
                "juan.dela.cruz@gmail.com",
                "juandelacruz@gmail.com",
                True,
            ),
            (somsri.pk, "phone", "081 234 5678", "+66812345678", "+66812345678", True),
            (somsri.pk, "phone", "+66898765432", "+66898765432", "+66898765432", False),
            (juan.pk, "phone", "0917 123 4567", "+639171234567", "+639171234567", True),
        ]
    )
    assert not Point.objects.exclude(verified_at=None).exists()
    tables = connection.introspection.table_names()
    assert "customers_customeremail" not in tables and "customers_customerphone" not in tables


def test_undone_it_copies_emails_and_phones_back_and_will_not_lose_chat_ids(back_to_before):
    apps = migrate(AFTER)
    Customer = apps.get_model("customers", "Customer")
    Point = apps.get_model("customers", "ContactPoint")
    an = Customer.objects.create(display_name="An")
    Point.objects.create(
        customer=an, kind="email", value="An@x.vn", normalised="an@x.vn", match_key="an@x.vn", is_primary=True
    )
    Point.objects.create(
        customer=an, kind="phone", value="090 123 4567", normalised="+84901234567", match_key="+84901234567"
    )
    zalo = Point.objects.create(
        customer=an,
        kind="zalo",
        value="2468458835296117922",
        normalised="2468458835296117922",
        match_key="2468458835296117922",
    )

    with pytest.raises(RuntimeError, match="1 contact points are chat ids"):
        migrate(BEFORE)
    Point.objects.filter(pk=zalo.pk).delete()
    apps = migrate(BEFORE)

    emails = apps.get_model("customers", "CustomerEmail").objects.values_list(
        "customer_id", "address", "normalised", "match_key", "is_primary"
    )
    phones = apps.get_model("customers", "CustomerPhone").objects.values_list(
        "customer_id", "e164", "raw", "is_primary"
    )
    assert list(emails) == [(an.pk, "An@x.vn", "an@x.vn", "an@x.vn", True)]
    assert list(phones) == [(an.pk, "+84901234567", "090 123 4567", False)]
