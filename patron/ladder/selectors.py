"""What the ladder's pages and API read: the rules in words, the funnel, the months' moves, the
customers one step from the next stage, and one customer's standing with its evidence."""

import json
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from patron.customers.models import Customer
from patron.ladder import evidence
from patron.ladder.models import HandEvidence, MonthMoves, Move, Rule, Stage, StageCount, Standing

MONTHS_SHOWN = 12
ONE_STEP_PAGE = 25


def rule_words(rule) -> str:
    """The rule in a sentence: "Purchase: at least 2, in the last 12 months"."""
    kinds = _(" or ").join(str(evidence.label(code)) for code in rule.codes)
    if rule.window_months:
        months = rule.window_months
        when = ngettext("in the last %(months)s month", "in the last %(months)s months", months) % {
            "months": months
        }
    else:
        when = _("at any time")
    return _("%(evidence)s: at least %(count)s, %(when)s") % {
        "evidence": kinds,
        "count": rule.min_count,
        "when": when,
    }


def rules() -> list[Rule]:
    """The rules, customer to partner, each with ``words``."""
    found = Rule.current()
    for rule in found:
        rule.words = rule_words(rule)
        rule.stage_label = Stage(rule.stage).label
        rule.stage_code = Stage(rule.stage).code
    return found


def funnel() -> list[dict]:
    """Every stage, prospect to partner, with its customers as of the derivations."""
    counts = dict(StageCount.objects.values_list("stage", "customers"))
    return [
        {"stage": stage, "code": stage.code, "label": stage.label, "customers": counts.get(stage, 0)}
        for stage in Stage
    ]


def months(count=MONTHS_SHOWN) -> list[MonthMoves]:
    """The last ``count`` months with moves, newest first."""
    return list(MonthMoves.objects.order_by("-month")[:count])


def one_step(stage: Stage, after: int | None = None, limit=ONE_STEP_PAGE):
    """Customers at ``stage`` whom one more piece of evidence would lift to the next stage, by
    id, those after ``after``; ``limit`` of them and whether more follow."""
    rows = Standing.objects.filter(stage=stage, missing=1)
    if after is not None:
        rows = rows.filter(customer_id__gt=after)
    ids = list(rows.order_by("customer_id").values_list("customer_id", flat=True)[: limit + 1])
    more = len(ids) > limit
    ids = ids[:limit]
    people = Customer.objects.in_bulk(ids)
    return [people[pk] for pk in ids if pk in people], more


@dataclass
class EvidenceRow:
    code: str
    label: str
    count: int
    latest: datetime
    windows: list  # [(months, count)]


@dataclass
class Placed:
    """A customer's place on the ladder: their stage, the rule that placed them (None for a
    prospect), the next stage and what it still needs, the evidence, the latest moves."""

    stage: Stage
    rule: Rule | None
    next_stage: Stage | None
    next_rule: Rule | None
    missing: int | None
    evidence: list[EvidenceRow]
    derived_at: datetime | None
    moves: list
    by_hand: list


def placed(customer) -> Placed:
    standing = Standing.objects.filter(customer=customer).first()
    stage = Stage(standing.stage) if standing else Stage.PROSPECT
    by_stage = {rule.stage: rule for rule in rules()}
    next_stage = Stage(stage + 1) if stage < Stage.PARTNER else None
    rows = []
    if standing:
        for code, found in json.loads(standing.evidence).items():
            rows.append(
                EvidenceRow(
                    code=code,
                    label=str(evidence.label(code)),
                    count=found["n"],
                    latest=datetime.fromisoformat(found["at"].replace("Z", "+00:00")),
                    windows=sorted((int(months), n) for months, n in found["w"].items()),
                )
            )
    next_rule = by_stage.get(next_stage) if next_stage is not None else None
    missing = standing.missing if standing else (next_rule.min_count if next_rule else None)
    return Placed(
        stage=stage,
        rule=by_stage.get(stage),
        next_stage=next_stage,
        next_rule=next_rule,
        missing=missing,
        evidence=rows,
        derived_at=standing.derived_at if standing else None,
        moves=list(Move.objects.filter(customer=customer).order_by("-at", "-id")[:5]),
        by_hand=list(HandEvidence.objects.filter(customer=customer).select_related("recorded_by")[:10]),
    )


def month_label(month: date) -> str:
    return month.strftime("%Y-%m")
