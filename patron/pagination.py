"""Keyset pagination, newest first: stable under inserts and fast on any page of a
million rows, unlike OFFSET. Used by the web lists and the API alike."""

import base64
import binascii
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _


@dataclass
class Page:
    items: list
    next: str | None
    previous: str | None


def encode_cursor(direction, pk):
    return base64.urlsafe_b64encode(f"{direction}{pk}".encode()).decode().rstrip("=")


def decode_cursor(cursor):
    """("<" or ">", pk) from a cursor; ValidationError for anything that is not one of ours."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        direction, pk = text[0], int(text[1:])
    except (binascii.Error, UnicodeDecodeError, ValueError, IndexError) as exc:
        raise ValidationError(
            {"cursor": [_("This cursor is not valid: use the one a list gave you.")]}
        ) from exc
    if direction not in "<>" or pk < 0:
        raise ValidationError({"cursor": [_("This cursor is not valid: use the one a list gave you.")]})
    return direction, pk


def keyset_page(queryset, *, cursor=None, limit=50):
    """One page of `queryset` by descending primary key, with cursors to the pages beside it."""
    if cursor:
        direction, pk = decode_cursor(cursor)
    else:
        direction, pk = "<", None
    if direction == "<":
        if pk is not None:
            queryset = queryset.filter(pk__lt=pk)
        rows = list(queryset.order_by("-pk")[: limit + 1])
        more_after, items = len(rows) > limit, rows[:limit]
        more_before = pk is not None
    else:
        rows = list(queryset.filter(pk__gt=pk).order_by("pk")[: limit + 1])
        more_before, items = len(rows) > limit, rows[:limit][::-1]
        more_after = True
    return Page(
        items=items,
        next=encode_cursor("<", items[-1].pk) if items and more_after else None,
        previous=encode_cursor(">", items[0].pk) if items and more_before else None,
    )


def ranked_page(queryset, *, field, cursor=None, limit=50):
    """One page of `queryset` by `field` descending, then primary key descending; rows where
    `field` is null are left out. Forward only: the cursor carries the last row's value."""
    queryset = queryset.filter(**{f"{field}__isnull": False})
    if cursor:
        value, pk = _decode_ranked(cursor)
        queryset = queryset.filter(Q(**{f"{field}__lt": value}) | Q(**{field: value, "pk__lt": pk}))
    rows = list(queryset.order_by(f"-{field}", "-pk")[: limit + 1])
    items = rows[:limit]
    last = items[-1] if items else None
    following = None
    if len(rows) > limit:
        value = last
        for part in field.split("__"):
            value = getattr(value, part)
        following = base64.urlsafe_b64encode(f"{value}|{last.pk}".encode()).decode().rstrip("=")
    return Page(items=items, next=following, previous=None)


def _decode_ranked(cursor):
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        value, pk = text.rsplit("|", 1)
        value, pk = Decimal(value), int(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError, InvalidOperation) as exc:
        raise ValidationError(
            {"cursor": [_("This cursor is not valid: use the one a list gave you.")]}
        ) from exc
    if not value.is_finite() or pk < 0:
        raise ValidationError({"cursor": [_("This cursor is not valid: use the one a list gave you.")]})
    return value, pk
