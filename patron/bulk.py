"""Writing and reading many rows at once, through the database's own bulk path.

An import's batch of customers, or an import's points, cannot afford the ORM's object per row:
rows go in with one ``executemany`` (SQLite) or ``COPY`` (PostgreSQL) per table, inside the
caller's transaction, and rows are looked up by a long list of keys in plain SQL.

Values are given as the database takes them in text: JSON as ``json.dumps`` writes it (as
Django's JSONField does), dates in ISO form, times from :func:`moment`.
"""

import json
from datetime import UTC, datetime

from django.db import connection

QUERY_CHUNK = 10_000


def moment(when: datetime):
    """An aware time as Django stores it: naive UTC text on SQLite, ISO with its offset on PostgreSQL."""
    return moment_writer()(when)


def moment_writer():
    """:func:`moment` for many times: the database's kind looked up once."""
    if connection.vendor == "postgresql":
        return lambda when: when.astimezone(UTC).isoformat(" ")
    return lambda when: when.astimezone(UTC).replace(tzinfo=None).isoformat(" ")


def json_text(value):
    return json.dumps(value)


def columns(model, names):
    return ", ".join(connection.ops.quote_name(name) for name in _column_names(model, names))


def insert(model, names, rows):
    """Insert ``rows`` (tuples in the order of ``names``) into ``model``'s table."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    if connection.vendor == "postgresql":
        sql = f"COPY {table} ({columns(model, names)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" * len(names))
    sql = f"INSERT INTO {table} ({columns(model, names)}) VALUES ({marks})"  # noqa: S608
    connection.ensure_connection()
    connection.connection.executemany(sql, rows)


def update(model, names, rows):
    """Set ``names`` on the rows of ``model`` whose id ends each tuple of ``rows``."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    sets = ", ".join(f"{connection.ops.quote_name(name)} = %s" for name in _column_names(model, names))
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {sets} WHERE id = %s", rows)  # noqa: S608


def delete_ids(model, ids):
    """Delete the rows of ``model`` with these ids."""
    table = connection.ops.quote_name(model._meta.db_table)
    ids = sorted(ids)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), QUERY_CHUNK):
            chunk = ids[start : start + QUERY_CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {table} WHERE id IN ({marks})", chunk)  # noqa: S608


def rows_with(model, column, keys, names, **equal):
    """Rows (tuples of ``names``) of ``model`` whose ``column`` is one of ``keys`` and whose
    other columns are as ``equal`` says; plain SQL, as the ORM spends more on a long IN list
    of keys than the database does."""
    table = connection.ops.quote_name(model._meta.db_table)
    selected = ", ".join(connection.ops.quote_name(name) for name in _column_names(model, names))
    (column,) = _column_names(model, [column])
    also = "".join(f" AND {connection.ops.quote_name(name)} = %s" for name in _column_names(model, equal))
    found = []
    with connection.cursor() as cursor:
        for start in range(0, len(keys), QUERY_CHUNK):
            chunk = list(keys[start : start + QUERY_CHUNK])
            marks = ", ".join(["%s"] * len(chunk))
            where = f"{connection.ops.quote_name(column)} IN ({marks}){also}"
            cursor.execute(f"SELECT {selected} FROM {table} WHERE {where}", [*chunk, *equal.values()])  # noqa: S608
            found += cursor.fetchall()
    return found


def _column_names(model, names):
    fields = {field.attname: field for field in model._meta.fields} | {"pk": model._meta.pk}
    return [fields[name].column for name in names]
