"""/api/ladder: the funnel and the months' moves, the rules (read by all staff, changed by
Admins), a customer's stage with the rule and evidence that placed them, evidence by hand.

The customer list's ``stage`` filter is GET /api/customers?stage=client (filters.py)."""

from datetime import date, datetime

from django.http import Http404
from ninja import Router, Schema, Status
from pydantic import Field

from patron.api_auth import needs
from patron.api_schemas import ONE_ERRORS, READ_ERRORS, WRITE_ERRORS, PathId
from patron.customers.selectors import customer_or_404
from patron.ladder import evidence, selectors, services
from patron.ladder.models import Stage

router = Router(tags=["ladder"])
VIEW = "customers.view_customer"


STAGES = ", ".join(stage.code for stage in Stage)


class StageCountOut(Schema):
    stage: str = Field(description=f"One of: {STAGES}")
    label: str
    customers: int


class MonthOut(Schema):
    month: date = Field(description="The month's first day (UTC)")
    up: int
    down: int


class FunnelOut(Schema):
    stages: list[StageCountOut]
    months: list[MonthOut] = Field(description="The last 12 months with moves, newest first")


class RuleOut(Schema):
    stage: str
    codes: list[str] = Field(description="Evidence codes; their pieces add up")
    min_count: int
    window_months: int | None = Field(description="Counted within this many months; null: at any time")
    words: str
    changed_at: datetime | None
    changed_by: str | None


class RuleIn(Schema):
    codes: list[str]
    min_count: int
    window_months: int | None = None


class EvidenceOut(Schema):
    code: str
    label: str
    count: int = Field(description="Pieces at any time")
    latest: datetime
    within: dict[str, int] = Field(description="Pieces within each window (months) the rules name")


class LadderStandingOut(Schema):
    customer: int
    stage: str
    rule: RuleOut | None = Field(description="The rule that placed the customer; null for a prospect")
    next_stage: str | None
    missing: int | None = Field(description="Pieces of evidence the next stage's rule still needs")
    evidence: list[EvidenceOut]
    derived_at: datetime | None


class EvidenceCodeOut(Schema):
    code: str
    label: str


class HandEvidenceIn(Schema):
    kind: str = Field(description="contract, idea, review, compliment or referral")
    at: datetime
    note: str = ""


class HandEvidenceOut(Schema):
    id: int
    customer: int
    kind: str
    at: datetime
    note: str


def rule_out(rule):
    return RuleOut(
        stage=Stage(rule.stage).code,
        codes=list(rule.codes),
        min_count=rule.min_count,
        window_months=rule.window_months,
        words=selectors.rule_words(rule),
        changed_at=rule.changed_at,
        changed_by=rule.changed_by.get_username() if rule.changed_by_id else None,
    )


@router.get("/funnel", auth=needs(VIEW), response={200: FunnelOut, **READ_ERRORS})
def get_funnel(request):
    return FunnelOut(
        stages=[
            StageCountOut(stage=row["code"], label=str(row["label"]), customers=row["customers"])
            for row in selectors.funnel()
        ],
        months=[MonthOut(month=row.month, up=row.up, down=row.down) for row in selectors.months()],
    )


@router.get("/evidence", auth=needs(VIEW), response={200: list[EvidenceCodeOut], **READ_ERRORS})
def list_evidence_codes(request):
    return [EvidenceCodeOut(code=code, label=str(label)) for code, label in evidence.codes().items()]


@router.get("/rules", auth=needs(VIEW), response={200: list[RuleOut], **READ_ERRORS})
def list_rules(request):
    return [rule_out(rule) for rule in selectors.rules()]


@router.put(
    "/rules/{stage}", auth=needs(VIEW, services.CHANGE_RULES), response={200: RuleOut, **WRITE_ERRORS}
)
def put_rule(request, stage: str, payload: RuleIn):
    try:
        value = Stage.from_code(stage)
    except KeyError:
        raise Http404(f"No stage {stage}: one of {STAGES}.") from None
    rule = services.rule_change(
        by=request.user,
        stage=value,
        codes=payload.codes,
        min_count=payload.min_count,
        window_months=payload.window_months,
    )
    return rule_out(rule)


@router.get("/customers/{customer_id}", auth=needs(VIEW), response={200: LadderStandingOut, **ONE_ERRORS})
def get_standing(request, customer_id: PathId):
    customer = customer_or_404(customer_id)
    placed = selectors.placed(customer)
    return LadderStandingOut(
        customer=customer.pk,
        stage=placed.stage.code,
        rule=rule_out(placed.rule) if placed.rule else None,
        next_stage=placed.next_stage.code if placed.next_stage is not None else None,
        missing=placed.missing,
        evidence=[
            EvidenceOut(
                code=row.code,
                label=row.label,
                count=row.count,
                latest=row.latest,
                within={str(months): n for months, n in row.windows},
            )
            for row in placed.evidence
        ],
        derived_at=placed.derived_at,
    )


@router.post(
    "/customers/{customer_id}/evidence",
    auth=needs(VIEW, services.RECORD),
    response={201: HandEvidenceOut, **WRITE_ERRORS},
)
def post_hand_evidence(request, customer_id: PathId, payload: HandEvidenceIn):
    customer = customer_or_404(customer_id)
    row = services.hand_evidence_record(
        by=request.user, customer=customer, kind=payload.kind, at=payload.at, note=payload.note
    )
    return Status(
        201, HandEvidenceOut(id=row.pk, customer=customer.pk, kind=row.kind, at=row.at, note=row.note)
    )
