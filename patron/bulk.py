"""Writing and reading many rows at once, through the database's own bulk path.

An import's batch of customers, or an import's points, cannot afford the ORM's object per row:
rows go in with one ``executemany`` (SQLite) or ``COPY`` (PostgreSQL) per table, inside the
caller's transaction, and rows are looked up by a long list of keys in plain SQL.

Values are given as the database takes them in text: JSON as ``json.dumps`` writes it (as
Django's JSONField does), dates in ISO form, times from :func:`moment`.
"""

import contextlib
import json
from datetime import UTC, datetime

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

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


def one_of(values):
    """SQL that a column is one of ``values``, and its parameters: ``= ANY(%s)`` with one array
    on PostgreSQL, whose driver spends more on reading a query of 10,000 placeholders than the
    database spends on answering it; ``IN (%s, ...)`` on SQLite."""
    values = list(values)
    if connection.vendor == "postgresql":
        return "= ANY(%s)", [values]
    return f"IN ({', '.join(['%s'] * len(values))})", values


def ids_in(model, field, ids):
    """An ORM filter that ``model``'s ``field`` is one of many ``ids`` (integers), as
    :func:`one_of` writes it: on PostgreSQL ``= ANY`` of one array, which the planner reads
    through the field's index (``IN (SELECT unnest(...))`` it answered with a scan of the table)."""
    if connection.vendor == "postgresql":
        (column,) = _column_names(model, [field])
        qualified = f"{connection.ops.quote_name(model._meta.db_table)}.{connection.ops.quote_name(column)}"
        # The column is quoted from the model; the ids go as a parameter.
        return RawSQL(f"{qualified} = ANY(%s::bigint[])", [list(ids)], output_field=BooleanField())  # noqa: S611
    return Q(**{f"{field}__in": ids})


def delete_ids(model, ids):
    """Delete the rows of ``model`` with these ids."""
    table = connection.ops.quote_name(model._meta.db_table)
    ids = sorted(ids)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), QUERY_CHUNK):
            among, params = one_of(ids[start : start + QUERY_CHUNK])
            cursor.execute(f"DELETE FROM {table} WHERE id {among}", params)  # noqa: S608


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
            among, params = one_of(keys[start : start + QUERY_CHUNK])
            where = f"{connection.ops.quote_name(column)} {among}{also}"
            cursor.execute(f"SELECT {selected} FROM {table} WHERE {where}", [*params, *equal.values()])  # noqa: S608
            found += cursor.fetchall()
    return found


def _column_names(model, names):
    fields = {field.attname: field for field in model._meta.fields} | {"pk": model._meta.pk}
    return [fields[name].column for name in names]


@contextlib.contextmanager
def bulk_writes():
    """Settings for the many large transactions of an import, put back when it ends.

    SQLite: fewer, larger checkpoints (up to 400 MB of log, not 4 MB). A batch of orders for
    customers all over the file changes pages all over the customer index; checkpointing
    after every batch copies those pages again and again.

    PostgreSQL: commits do not wait for the log to reach the disk (synchronous_commit off).
    A crash of the server or machine (not of the import) may then lose the last batches
    committed before it, never part of one; the summary of such an import overstates, and
    running the file again writes what was lost. A killed import loses nothing committed.
    """
    if connection.vendor == "sqlite":
        setting, value = "wal_autocheckpoint", "100000"
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA {setting}")
            (before,) = cursor.fetchone()
            cursor.execute(f"PRAGMA {setting}={value}")
        put_back = f"PRAGMA {setting}={int(before)}"
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")
        put_back = "RESET synchronous_commit"
    else:  # pragma: no cover - Patron runs on SQLite and PostgreSQL
        put_back = None
    try:
        yield
    finally:
        if put_back:
            with connection.cursor() as cursor:
                cursor.execute(put_back)


def new_ids(model, count):
    """``count`` new primary keys of ``model``, in increasing order; call inside a transaction."""
    if not count:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        highest = cursor.fetchone()[0]
    return list(range(highest + 1, highest + 1 + count))
