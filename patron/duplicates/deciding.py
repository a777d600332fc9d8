"""A person's decision on a proposed pair: the same person (merge) or not (dismiss)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from patron.accounts.permissions import require
from patron.actors import as_actor
from patron.duplicates.merging import customer_merge
from patron.duplicates.models import MERGE_CUSTOMERS, DuplicatePair, PairStatus


def pair_merge(*, pair, survivor_id, choices=None, by):
    """Merge a proposed pair: the customer `survivor_id`, one of the two, takes in the other."""
    require(by, MERGE_CUSTOMERS)
    sides = {pair.left_id: (pair.left, pair.right), pair.right_id: (pair.right, pair.left)}
    if survivor_id not in sides:
        raise ValidationError({"survivor": [_("The survivor must be one of the pair's two customers.")]})
    survivor, merged = sides[survivor_id]
    return customer_merge(survivor=survivor, merged=merged, choices=choices, by=by, pair=pair)


def pair_dismiss(*, pair, by):
    """Mark a pair as two different people: it is not proposed again."""
    require(by, MERGE_CUSTOMERS)
    with transaction.atomic():
        pair = DuplicatePair.objects.select_for_update().get(pk=pair.pk)
        if pair.status != PairStatus.OPEN:
            raise ValidationError(_("This pair was decided already; reload the page to see how."))
        pair.status, pair.decided_at = PairStatus.DISMISSED, timezone.now()
        pair.decided_by = as_actor(by).user
        pair.save(update_fields=["status", "decided_by", "decided_at"])
    return pair
