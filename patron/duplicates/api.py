"""/api/duplicates and /api/merges: the review of possible duplicates, as the review page does it."""

from datetime import datetime
from typing import Literal

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from patron.api_auth import needs
from patron.api_schemas import (
    ONE_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    Id,
    In,
    ListOut,
    ListQuery,
    PathId,
    api_enum,
)
from patron.customers.api import ExternalIdSchema
from patron.duplicates.deciding import pair_dismiss, pair_merge
from patron.duplicates.merging import merge_undo
from patron.duplicates.models import (
    MERGE_CUSTOMERS,
    DuplicatePair,
    DuplicateScan,
    Merge,
    PairStatus,
    ScanStatus,
)
from patron.duplicates.scanning import DEFAULT_MIN_SCORE, scan_request
from patron.duplicates.selectors import merge_list, open_pair_page, pair_customer, pairs_with_customers
from patron.jobs.single_run import shown_note
from patron.pagination import keyset_page

duplicates_router = Router(tags=["duplicates"])
merges_router = Router(tags=["merges"])
scans_router = Router(tags=["duplicates"])

DuplicateStatus = api_enum("DuplicateStatus", PairStatus)
DuplicateScanStatus = api_enum("DuplicateScanStatus", ScanStatus)


class PairCustomerOut(Schema):
    id: int
    display_name: str
    external_ids: list[ExternalIdSchema]


class PairOut(Schema):
    id: int
    left: PairCustomerOut = Field(description="The customer with the smaller id")
    right: PairCustomerOut
    score: float = Field(ge=0, le=1, description="0 to 1: higher is more likely the same person")
    evidence: dict[str, float] = Field(
        description="Similarity from 0 to 1 per signal: name, email, phone, birthday, address"
    )
    status: DuplicateStatus
    found_at: datetime
    decided_by: str | None
    decided_at: datetime | None


class MergeIn(In):
    survivor: Id = Field(description="The pair's customer who stays; the other is merged into them")
    choices: dict[str, Literal["survivor", "merged"]] = Field(
        {},
        description=(
            "Whose value each profile field keeps where the two differ, by field name "
            "(display_name, birthday, ...) or attributes.<name>. Default: the survivor's, unless empty."
        ),
    )


class MergeOut(Schema):
    id: int
    pair: int | None
    survivor: int
    merged: int
    by: str | None
    at: datetime
    choices: dict[str, str]
    undone_at: datetime | None
    undone_by: str | None


def _username(user):
    return user.get_username() if user else None


def pair_out(pair):
    return {
        "id": pair.pk,
        "left": pair_customer(pair.left),
        "right": pair_customer(pair.right),
        "score": float(pair.score),
        "evidence": pair.evidence,
        "status": pair.status,
        "found_at": pair.found_at,
        "decided_by": _username(pair.decided_by),
        "decided_at": pair.decided_at,
    }


def merge_out(merge):
    return {
        "id": merge.pk,
        "pair": merge.pair_id,
        "survivor": merge.survivor_id,
        "merged": merge.merged_id,
        "by": _username(merge.by),
        "at": merge.at,
        "choices": merge.choices,
        "undone_at": merge.undone_at,
        "undone_by": _username(merge.undone_by),
    }


@duplicates_router.get(
    "", auth=needs("customers.view_customer"), response={200: ListOut[PairOut], **READ_ERRORS}
)
def list_pairs(request, filters: Query[ListQuery]):
    """Open pairs of possible duplicates, best score first."""
    page = open_pair_page(cursor=filters.cursor, limit=filters.limit)
    return {"items": [pair_out(pair) for pair in page.items], "next": page.next}


@duplicates_router.post(
    "/{pair_id}/merge", auth=needs(MERGE_CUSTOMERS), response={201: MergeOut, **WRITE_ERRORS}
)
def merge_pair(request, pair_id: PathId, payload: MergeIn):
    """Merge the pair: everything of the other customer moves to `survivor`. Undo with
    POST /api/merges/{id}/undo."""
    pair = get_object_or_404(DuplicatePair.objects.select_related("left", "right"), pk=pair_id)
    merge = pair_merge(pair=pair, survivor_id=payload.survivor, choices=payload.choices, by=request.user)
    return Status(201, merge_out(merge))


@duplicates_router.post(
    "/{pair_id}/dismiss", auth=needs(MERGE_CUSTOMERS), response={200: PairOut, **ONE_ERRORS}
)
def dismiss_pair(request, pair_id: PathId):
    """Not the same person: the pair is not proposed again."""
    pair = get_object_or_404(DuplicatePair, pk=pair_id)
    pair_dismiss(pair=pair, by=request.user)
    return pair_out(pairs_with_customers().get(pk=pair.pk))


@merges_router.get(
    "", auth=needs("customers.view_customer"), response={200: ListOut[MergeOut], **READ_ERRORS}
)
def list_merges(request, filters: Query[ListQuery]):
    """Merges, latest first, undone ones included."""
    page = keyset_page(merge_list(), cursor=filters.cursor, limit=filters.limit)
    return {"items": [merge_out(merge) for merge in page.items], "next": page.next}


@merges_router.post("/{merge_id}/undo", auth=needs(MERGE_CUSTOMERS), response={200: MergeOut, **ONE_ERRORS})
def undo_merge(request, merge_id: PathId):
    """Give the merged customer back exactly what was theirs and make them live again."""
    merge = get_object_or_404(Merge, pk=merge_id)
    merge_undo(merge=merge, by=request.user)
    return merge_out(merge_list().get(pk=merge.pk))


class ScanQuery(Schema):
    min_score: float = Field(DEFAULT_MIN_SCORE, ge=0, le=1, description="Propose pairs scoring at least this")


class ScanOut(Schema):
    id: int
    status: DuplicateScanStatus
    min_score: float
    queued_at: datetime
    finished_at: datetime | None
    found: int = Field(description="Open pairs the scan proposed, new or already stored")
    created: int = Field(description="Pairs proposed for the first time")
    note: str


class ScanRequestedOut(ScanOut):
    joined: bool = Field(
        description="True when a scan was already queued or running: the request joined it rather "
        "than queueing another (one search for duplicates at a time)"
    )


def scan_out(scan):
    fields = {field: getattr(scan, field) for field in ScanOut.model_fields}
    return fields | {"min_score": float(scan.min_score), "note": shown_note(scan.note)}


@scans_router.get("", auth=needs("customers.view_customer"), response={200: ListOut[ScanOut], **READ_ERRORS})
def list_scans(request, filters: Query[ListQuery]):
    """Searches for duplicates, latest first."""
    page = keyset_page(DuplicateScan.objects.all(), cursor=filters.cursor, limit=filters.limit)
    return {"items": [scan_out(scan) for scan in page.items], "next": page.next}


@scans_router.post("", auth=needs(MERGE_CUSTOMERS), response={202: ScanRequestedOut, **WRITE_ERRORS})
def start_scan(request, query: Query[ScanQuery]):
    """Queue a search for duplicates, or join the one already queued or running."""
    scan, joined = scan_request(by=request.user, min_score=query.min_score)
    return Status(202, scan_out(scan) | {"joined": joined})
