"""Writes the database itself refuses, whatever path they come by (the ORM, a bulk write, SQL)."""

import pytest
from django.db import IntegrityError, connection, models, transaction


def refused(rows, constraint, **values):
    """Setting `values` on the queryset `rows` breaks `constraint`: the database refuses the
    write, naming that constraint, and the rows stay as they were."""
    before = list(rows.values())
    with pytest.raises(IntegrityError) as refusal, transaction.atomic():
        rows.update(**values)
    assert _named(constraint, rows.model) in str(refusal.value)
    assert list(rows.values()) == before


def accepted(rows, **values):
    """Setting `values` on `rows` (some rows, chosen by key) is written and read back as given."""
    count = rows.count()
    assert count
    with transaction.atomic():
        assert rows.update(**values) == count
    for row in rows.values(*values):
        assert row == values


def _named(constraint, model):
    """How the database names `constraint` when it refuses a row: SQLite names a unique index by
    its columns, every other refusal by the constraint's name."""
    (declared,) = [c for c in model._meta.constraints if c.name == constraint]
    if connection.vendor == "sqlite" and isinstance(declared, models.UniqueConstraint):
        table = model._meta.db_table
        columns = [model._meta.get_field(name).column for name in declared.fields]
        return "UNIQUE constraint failed: " + ", ".join(f"{table}.{column}" for column in columns)
    return constraint
