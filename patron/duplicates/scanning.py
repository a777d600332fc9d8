"""Proposing possible duplicates for a person to review.

A pair is stored once: a later scan refreshes the score and evidence of an open pair, and
never proposes again a pair that was dismissed or merged.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from patron.accounts.permissions import require_perm
from patron.duplicates.finder import find_pairs
from patron.duplicates.models import MERGE_CUSTOMERS, DuplicatePair, PairStatus
from patron.duplicates.people import people_for_matching

DEFAULT_MIN_SCORE = 0.5
SCORE_STEP = Decimal("0.001")
BATCH = 500


@dataclass(frozen=True)
class ScanResult:
    found: int  # open pairs the finder proposed, new or already stored
    created: int
    dropped: int


def _score(value):
    return Decimal(str(value)).quantize(SCORE_STEP)


def duplicates_scan(*, by, min_score=DEFAULT_MIN_SCORE):
    """Run the finder over every live customer and store what it proposes.

    An open pair the finder no longer proposes at this minimum score is dropped: one of
    its customers was merged, or their details changed. Decided pairs are kept as they are.
    """
    require_perm(by, MERGE_CUSTOMERS)
    if (
        isinstance(min_score, bool)
        or not isinstance(min_score, int | float | Decimal)
        or not 0 <= min_score <= 1
    ):
        raise ValidationError({"min_score": [_("The minimum score is a number from 0 to 1.")]})
    proposals = {(p.left, p.right): p for p in find_pairs(people_for_matching(), min_score=float(min_score))}
    now = timezone.now()
    with transaction.atomic():
        stored = {(pair.left_id, pair.right_id): pair for pair in DuplicatePair.objects.defer("evidence")}
        stale = [
            pair.pk
            for key, pair in stored.items()
            if pair.status == PairStatus.OPEN and key not in proposals and pair.score >= _score(min_score)
        ]
        for start in range(0, len(stale), BATCH):
            DuplicatePair.objects.filter(pk__in=stale[start : start + BATCH]).delete()
        dropped = len(stale)
        dropped += DuplicatePair.objects.filter(
            Q(left__merged_into__isnull=False) | Q(right__merged_into__isnull=False), status=PairStatus.OPEN
        ).delete()[0]
        new, refreshed = [], []
        for key, proposal in proposals.items():
            pair = stored.get(key)
            if pair is None:
                pair = DuplicatePair(left_id=proposal.left, right_id=proposal.right, found_at=now)
                new.append(pair)
            elif pair.status == PairStatus.OPEN:
                refreshed.append(pair)
            else:
                continue
            pair.score = _score(proposal.score)
            pair.evidence = {signal: round(value, 3) for signal, value in proposal.evidence.items()}
        # A scan running beside this one may have stored the same new pair first.
        DuplicatePair.objects.bulk_create(new, batch_size=BATCH, ignore_conflicts=True)
        DuplicatePair.objects.bulk_update(refreshed, ["score", "evidence"], batch_size=BATCH)
    return ScanResult(found=len(new) + len(refreshed), created=len(new), dropped=dropped)
