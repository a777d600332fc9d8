"""How many customers a filter matches, quickly enough to show beside every list page.

Exact up to ``EXACT_UP_TO`` matches: the count of a subquery limited to one row more
(``SELECT COUNT(*) FROM (... LIMIT 10001)``), so the database stops at the 10,001st match
however many there are. Above it, on PostgreSQL, the planner's estimate of the rows the same
query returns (``EXPLAIN (FORMAT JSON)``, its top node's "Plan Rows", which come from
pg_class.reltuples and the columns' statistics that ANALYZE and autovacuum keep), said as
"about 120,000": the query is planned, never run. An estimate the planner puts at or under the
threshold is raised to just above it, since the exact count found more. On SQLite, which has
no such estimate, the count above the threshold is exact too (a shop on SQLite is small).
"""

import json
from dataclasses import dataclass

from django.db import connections

EXACT_UP_TO = 10_000


@dataclass(frozen=True)
class Count:
    value: int
    exact: bool

    @property
    def shown(self):
        """The value as said: exact, or an estimate rounded to two significant figures."""
        if self.exact or self.value < 100:
            return self.value
        digits = len(str(self.value)) - 2
        return round(self.value, -digits)


def count_matches(queryset, *, exact_up_to=EXACT_UP_TO):
    """The Count of rows in ``queryset``: exact up to ``exact_up_to``, else an estimate on
    PostgreSQL (see the module's docstring)."""
    found = queryset.order_by()[: exact_up_to + 1].count()
    if found <= exact_up_to:
        return Count(found, True)
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return Count(queryset.count(), True)
    return Count(max(planned_rows(queryset), exact_up_to + 1), False)


def planned_rows(queryset):
    """The planner's estimate of the rows ``queryset`` returns (no row is read)."""
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])
