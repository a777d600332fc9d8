"""What the database keeps true of duplicate pairs, merges and scans, whatever writes them."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db.models import F

from patron.customers.models import Customer
from patron.customers.tests.constraints import accepted, refused
from patron.duplicates.models import DuplicatePair, DuplicateScan, Merge, PairStatus, ScanStatus

pytestmark = pytest.mark.django_db

WHEN = datetime(2026, 11, 2, 3, 4, tzinfo=UTC)


@pytest.fixture
def two():
    return [Customer.objects.create(display_name=name) for name in ("Nguyễn Văn An", "Nguyen Van An")]


def test_a_customer_is_never_merged_into_itself(two):
    survivor, merged = two
    merge = Merge.objects.create(survivor=survivor, merged=merged, at=WHEN, actor_kind="staff")
    rows = Merge.objects.filter(pk=merge.pk)
    refused(rows, "merge_not_into_itself", merged=F("survivor"))
    refused(rows, "merge_not_into_itself", survivor=merged.pk)
    accepted(rows, survivor=merged.pk, merged=survivor.pk)


def test_a_pair_status_outside_the_choices_is_refused(two):
    left, right = two
    pair = DuplicatePair.objects.create(left=left, right=right, score=Decimal("0.9"), found_at=WHEN)
    rows = DuplicatePair.objects.filter(pk=pair.pk)
    refused(rows, "duplicate_pair_status_known", status="maybe", decided_at=WHEN)
    accepted(rows, status=PairStatus.DISMISSED, decided_at=WHEN)


def test_a_scan_status_outside_the_choices_is_refused():
    scan = DuplicateScan.objects.create(min_score=Decimal("0.8"), queued_at=WHEN, heartbeat_at=WHEN)
    rows = DuplicateScan.objects.filter(pk=scan.pk)
    refused(rows, "duplicate_scan_status_known", status="paused")
    refused(rows, "duplicate_scan_status_known", status="")
    for status in ScanStatus.values:
        accepted(rows, status=status)
