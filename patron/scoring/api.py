"""/api/scores, /api/segments and /api/scoring-runs: customer value as the pages show it."""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from patron.api_auth import needs
from patron.api_schemas import ONE_ERRORS, READ_ERRORS, ListOut, ListQuery, PathId, api_enum
from patron.jobs.single_run import shown_note
from patron.pagination import keyset_page
from patron.scoring.filters import CHURN_BANDS, CHURN_BANDS_DOCUMENTED
from patron.scoring.models import CustomerScore, ScoringRun, Segment
from patron.scoring.selectors import scores_filtered, segment_sizes
from patron.scoring.services import scoring_request

scores_router = Router(tags=["scores"])
segments_router = Router(tags=["scores"])
runs_router = Router(tags=["scores"])

SegmentName = api_enum("SegmentName", Segment)
ChurnBandName = StrEnum("ChurnBandName", {name: name for name in CHURN_BANDS})
VIEW = "scoring.view_customerscore"


class ScoreOut(Schema):
    customer: int
    segment: SegmentName
    rfm: str = Field(description="Recency, frequency and monetary scores 1-5, as three digits: 545")
    recency_score: int
    frequency_score: int
    monetary_score: int
    purchases: int
    repeat_purchases: int
    first_purchase: datetime
    last_purchase: datetime
    total_spend: Decimal = Field(description="In the workspace's base currency")
    p_alive: float | None = Field(
        description=(
            "Probability the customer is still active (BG/NBD); null when the run could not fit "
            "the model, and for one-time buyers, whom BG/NBD takes as active by construction "
            "(P(alive) = 1 whatever their recency)"
        )
    )
    churn_risk: float | None = Field(description="1 - p_alive; null where p_alive is")
    expected_purchases_90d: float | None
    expected_spend: Decimal | None = Field(description="Expected spend per purchase (Gamma-Gamma)")
    clv: Decimal | None = Field(description="Discounted value over the next 12 months, base currency")
    value_at_risk: Decimal | None = Field(
        description=(
            "The CLV the customer would have if still active, times churn_risk: what is lost if "
            "they have gone; null where churn_risk is"
        )
    )
    value_decile: int | None = Field(
        description=(
            "Tenth of customers by CLV, 1 = the most valuable tenth (the pages say 'in the top 10%'), "
            "10 = the least valuable (pages: 'in the bottom 10%')"
        )
    )
    scored_at: datetime


class ScoreQuery(ListQuery):
    segment: SegmentName | None = None
    churn: ChurnBandName | None = Field(None, description=CHURN_BANDS_DOCUMENTED)
    min_clv: Decimal | None = Field(None, ge=0, description="Lifetime value at least this, inclusive")
    min_churn_risk: float | None = Field(
        None,
        ge=0,
        le=1,
        description="Churn risk at least this, inclusive: 0.7 lists customers at exactly 0.7",
    )
    max_churn_risk: float | None = Field(
        None,
        ge=0,
        le=1,
        description=(
            "Churn risk at most this, inclusive: 0.7 lists customers at exactly 0.7, whom the churn "
            "bands count as high. For the bands the customer list shows, use `churn`."
        ),
    )


class SegmentOut(Schema):
    segment: SegmentName
    label: str
    customers: int
    revenue: Decimal
    revenue_share: float


class RunOut(Schema):
    id: int
    status: str
    started_at: datetime
    finished_at: datetime | None
    customers: int
    orders: int
    currency: str
    fitted: dict = Field(description="The fitted models: parameters, standard errors, log-likelihood")
    note: str
    seconds: float


def score_out(score):
    return {
        "customer": score.customer_id,
        "rfm": score.rfm,
        "scored_at": score.run.finished_at or score.run.started_at,
        **{f: getattr(score, f) for f in ScoreOut.model_fields if f not in ("customer", "rfm", "scored_at")},
    }


@scores_router.get("", auth=needs(VIEW), response={200: ListOut[ScoreOut], **READ_ERRORS})
def list_scores(request, filters: Query[ScoreQuery]):
    """Scores of the last run, by customer id descending; filter by segment, churn band (the
    customer list's), CLV and churn risk."""
    scores = scores_filtered(
        segment=filters.segment,
        churn=filters.churn,
        min_clv=filters.min_clv,
        min_churn_risk=filters.min_churn_risk,
        max_churn_risk=filters.max_churn_risk,
    ).select_related("run")
    page = keyset_page(scores, cursor=filters.cursor, limit=filters.limit)
    return {"items": [score_out(s) for s in page.items], "next": page.next}


@scores_router.get("/{customer_id}", auth=needs(VIEW), response={200: ScoreOut, **ONE_ERRORS})
def get_score(request, customer_id: PathId):
    return score_out(get_object_or_404(CustomerScore.objects.select_related("run"), pk=customer_id))


@segments_router.get("", auth=needs(VIEW), response={200: list[SegmentOut], **READ_ERRORS})
def list_segments(request):
    """Every segment with customers: its size, revenue and share of all revenue."""
    return segment_sizes()


@runs_router.get("", auth=needs("scoring.view_scoringrun"), response={200: ListOut[RunOut], **READ_ERRORS})
def list_runs(request, filters: Query[ListQuery]):
    """Scoring runs, latest first, with the models they fitted."""
    page = keyset_page(ScoringRun.objects.all(), cursor=filters.cursor, limit=filters.limit)
    return {"items": [run_out(run) for run in page.items], "next": page.next}


def run_out(run):
    return {field: getattr(run, field) for field in RunOut.model_fields} | {"note": shown_note(run.note)}


class RunRequestedOut(RunOut):
    joined: bool = Field(
        description="True when a run was already queued or running: the request joined it rather "
        "than queueing another (one scoring run at a time)"
    )


@runs_router.post("", auth=needs("scoring.run_scoring"), response={202: RunRequestedOut, **READ_ERRORS})
def start_run(request):
    """Queue a scoring of every customer now, or join the run already queued or running."""
    run, joined = scoring_request(by=request.user)
    return Status(202, run_out(run) | {"joined": joined})
