"""Conditions for the check constraints that keep a column to its choices."""

from functools import reduce
from operator import or_

from django.db import models


def one_of(field, values):
    """The condition that `field` holds one of `values`: field = a OR field = b OR ...

    Not field IN (a, b, ...): SQLite checks an IN list by building a small table for each row
    it writes, about 2 µs a row for each such column (measured at 500,000 rows: the two of an
    order took its insert from 0.7 to 2.6 s of CPU, more than the whole import's margin over
    its 50,000 rows/s), while the equalities cost nothing measurable. PostgreSQL takes both alike.
    """
    return reduce(or_, (models.Q(**{field: value}) for value in values))
