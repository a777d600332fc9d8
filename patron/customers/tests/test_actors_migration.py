"""customers 0010_actors on a database with rows in it: what was written before actors were
recorded is staff's where a user acted, the system's otherwise."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("customers", "0009_erasure")]
AFTER = [("customers", "0010_actors")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_rows_written_before_actors_are_staff_where_a_user_acted():
    old = _migrate(BEFORE)
    user = old.get_model("auth", "User").objects.create(username="somchai")
    customer = old.get_model("customers", "Customer").objects.create(display_name="Somsri Jaidee")
    audit = old.get_model("customers", "AuditEvent").objects
    by_user = audit.create(customer=customer, actor=user, action="create", changes={})
    by_nobody = audit.create(customer=customer, actor=None, action="update", changes={})
    consents = old.get_model("customers", "ConsentEvent").objects
    when = datetime(2026, 3, 1, tzinfo=UTC)
    common = {"customer": customer, "channel": "email", "purpose": "marketing", "occurred_at": when}
    recorded = consents.create(granted=True, source="shop", recorded_by=user, **common)
    imported = consents.create(granted=False, source="pos", recorded_by=None, **common)
    try:
        new = _migrate(AFTER)
        audit = new.get_model("customers", "AuditEvent").objects
        consents = new.get_model("customers", "ConsentEvent").objects
        assert audit.get(pk=by_user.pk).actor_kind == "staff"
        assert audit.get(pk=by_user.pk).actor_id == user.pk
        assert audit.get(pk=by_nobody.pk).actor_kind == "system"
        assert consents.get(pk=recorded.pk).actor_kind == "staff"
        assert consents.get(pk=imported.pk).actor_kind == "system"
        for row in [*audit.all(), *consents.all()]:
            assert (row.actor_customer_id, row.actor_job) == (None, "")
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_merges_made_before_actors_are_staff_where_a_user_merged():
    before, after = [("duplicates", "0003_scan_status_known")], [("duplicates", "0004_merge_actors")]
    old = _migrate(before)
    user = old.get_model("auth", "User").objects.create(username="lan")
    customers = old.get_model("customers", "Customer").objects
    merges = old.get_model("duplicates", "Merge").objects
    when = datetime(2026, 3, 1, tzinfo=UTC)
    by_user = merges.create(
        survivor=customers.create(display_name="An"),
        merged=customers.create(display_name="An N."),
        by=user,
        at=when,
    )
    by_nobody = merges.create(
        survivor=customers.create(display_name="Bình"), merged=customers.create(display_name="Binh"), at=when
    )
    try:
        merges = _migrate(after).get_model("duplicates", "Merge").objects
        assert merges.get(pk=by_user.pk).actor_kind == "staff"
        assert merges.get(pk=by_nobody.pk).actor_kind == "system"
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
