"""Queries on possible duplicates and merges that the review pages, the API and the CLI share."""

import base64
import binascii
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from patron.customers.models import Customer, ExternalId
from patron.duplicates.merging import CHOOSABLE_FIELDS
from patron.duplicates.models import DuplicatePair, Merge, PairStatus
from patron.sales.selectors import purchase_totals

EVIDENCE_LABELS = {
    "name": gettext_lazy("Name"),
    "email": gettext_lazy("E-mail"),
    "phone": gettext_lazy("Phone"),
    "birthday": gettext_lazy("Birthday"),
    "address": gettext_lazy("Address"),
}


@dataclass
class PairPage:
    items: list[DuplicatePair]
    next: str | None


def pairs_with_customers():
    """Pairs with both customers and their external ids, for lists."""
    external_ids = ExternalId.objects.order_by("source", "value")
    return DuplicatePair.objects.select_related("left", "right", "decided_by").prefetch_related(
        Prefetch("left__external_ids", queryset=external_ids),
        Prefetch("right__external_ids", queryset=external_ids),
    )


def pair_customer(customer):
    """One side of a pair as the API and `patron duplicates find --json` give it."""
    return {
        "id": customer.pk,
        "display_name": customer.display_name,
        "external_ids": [{"source": x.source, "value": x.value} for x in customer.external_ids.all()],
    }


def open_pairs(*, min_score=None):
    """Open pairs of two live customers, best score first."""
    pairs = pairs_with_customers().filter(
        status=PairStatus.OPEN, left__merged_into__isnull=True, right__merged_into__isnull=True
    )
    if min_score is not None:
        pairs = pairs.filter(score__gte=min_score)
    return pairs.order_by("-score", "-pk")


def _cursor(pair):
    return base64.urlsafe_b64encode(f"{pair.score}:{pair.pk}".encode()).decode().rstrip("=")


def _decode(cursor):
    try:
        score, pk = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().split(":")
        score, pk = Decimal(score), int(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError, InvalidOperation) as exc:
        raise ValidationError(
            {"cursor": [_("This cursor is not valid: use the one a list gave you.")]}
        ) from exc
    if not score.is_finite() or pk < 0:
        raise ValidationError({"cursor": [_("This cursor is not valid: use the one a list gave you.")]})
    return score, pk


def open_pair_page(*, cursor=None, limit=50):
    """One page of open pairs, best score first: keyset on (score, id), stable as pairs are decided."""
    pairs = open_pairs()
    if cursor:
        score, pk = _decode(cursor)
        pairs = pairs.filter(Q(score__lt=score) | Q(score=score, pk__lt=pk))
    rows = list(pairs[: limit + 1])
    items = rows[:limit]
    return PairPage(items=items, next=_cursor(items[-1]) if len(rows) > limit else None)


def evidence_lines(pair):
    """(label, similarity from 0 to 1) per signal, strongest first."""
    return [
        (EVIDENCE_LABELS.get(signal, signal), value)
        for signal, value in sorted(pair.evidence.items(), key=lambda item: -item[1])
    ]


def _with_identities(pk):
    return (
        Customer.objects.prefetch_related("contact_points", "external_ids", "tags")
        .annotate(interaction_count=Count("interactions", distinct=True))
        .get(pk=pk)
    )


def side(customer):
    """What the review page shows of one customer."""
    return {
        "customer": customer,
        "totals": purchase_totals(customer),
        "consents": list(customer.consents.order_by("channel", "purpose")),
    }


def default_survivor(left, right, left_orders, right_orders):
    """The one with more orders survives; between equals, the older record."""
    if left_orders != right_orders:
        return left if left_orders > right_orders else right
    return left if (left.created_at, left.pk) <= (right.created_at, right.pk) else right


def compared_fields(left, right):
    """(choice key, label, left value, right value) for every profile field, and for every
    attribute either has (None where one lacks it)."""
    rows = [
        (
            name,
            capfirst(Customer._meta.get_field(name).verbose_name),
            getattr(left, name),
            getattr(right, name),
        )
        for name in CHOOSABLE_FIELDS
    ]
    for key in sorted(left.attributes.keys() | right.attributes.keys()):
        rows.append((f"attributes.{key}", key, left.attributes.get(key), right.attributes.get(key)))
    return rows


def pair_review(pair):
    """Both customers side by side, their fields and the default survivor."""
    left, right = _with_identities(pair.left_id), _with_identities(pair.right_id)
    sides = {"left": side(left), "right": side(right)}
    survivor = default_survivor(
        left, right, sides["left"]["totals"]["orders"], sides["right"]["totals"]["orders"]
    )
    return {
        "pair": pair,
        "left": sides["left"],
        "right": sides["right"],
        "sides": [sides["left"], sides["right"]],
        "default_survivor": "left" if survivor is left else "right",
        "fields": compared_fields(left, right),
        "evidence": evidence_lines(pair),
        "decidable": pair.status == PairStatus.OPEN and not (left.merged_into_id or right.merged_into_id),
    }


def merge_list():
    return Merge.objects.select_related("survivor", "merged", "by", "undone_by")
