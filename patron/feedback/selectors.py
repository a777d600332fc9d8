"""Reading surveys and feedback: a customer's last answer and history, the months' NPS and CSAT
beside churn risk, and the "satisfied but drifting" customers."""

from itertools import chain
from zoneinfo import ZoneInfo

from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncMonth

from patron.feedback.filters import last_answers
from patron.feedback.models import POSITIVE_BANDS, Band, Feedback, Survey, SurveyKind
from patron.scoring.filters import CHURN_BANDS
from patron.workspace.services import get_workspace

HISTORY = 50
HIGH = CHURN_BANDS["high"]


def last_answer(customer):
    """The customer's last answered survey, or None."""
    return (
        Survey.objects.filter(customer=customer, answered_at__isnull=False)
        .order_by("-answered_at", "-pk")
        .first()
    )


def history(customer, limit=HISTORY):
    """The customer's surveys (sent, not sent, answered) and feedback, latest first, as
    (time, kind, row) with kind "survey" or "feedback"."""
    surveys = (
        Survey.objects.filter(customer=customer)
        .select_related("follow_up__assignee")
        .order_by("-created_at")[:limit]
    )
    feedback = (
        Feedback.objects.filter(customer=customer)
        .select_related("category", "follow_up__assignee", "recorded_by")
        .order_by("-occurred_at")[:limit]
    )
    rows = chain(
        ((survey.answered_at or survey.created_at, "survey", survey) for survey in surveys),
        ((item.occurred_at, "feedback", item) for item in feedback),
    )
    return sorted(rows, key=lambda row: row[0], reverse=True)[:limit]


def _percent(part, whole):
    return round(100 * part / whole) if whole else None


def months(limit=24):
    """Per month of answers (in the workspace's time zone), latest first: NPS (% promoters less %
    detractors) and its answers, CSAT (% satisfied, 4-5) and its answers, and beside them the
    churn risk the scoring gives those who answered today: its average, and the share at high
    risk (CHURN_BANDS "high")."""
    zone = ZoneInfo(get_workspace().time_zone)
    risk = "customer__score__churn_risk"
    rows = (
        Survey.objects.filter(answered_at__isnull=False)
        .annotate(month=TruncMonth("answered_at", tzinfo=zone))
        .values("month")
        .annotate(
            nps=Count("pk", filter=Q(kind=SurveyKind.NPS)),
            promoters=Count("pk", filter=Q(band=Band.PROMOTER)),
            detractors=Count("pk", filter=Q(band=Band.DETRACTOR)),
            csat=Count("pk", filter=Q(kind=SurveyKind.CSAT)),
            satisfied=Count("pk", filter=Q(band=Band.SATISFIED)),
            scored=Count("pk", filter=Q(**{f"{risk}__isnull": False})),
            high=Count("pk", filter=HIGH.q(risk)),
            churn=Avg(risk),
        )
        .order_by("-month")[:limit]
    )
    return [
        {
            "month": row["month"],
            "nps": _percent(row["promoters"] - row["detractors"], row["nps"]),
            "nps_answers": row["nps"],
            "csat": _percent(row["satisfied"], row["csat"]),
            "csat_answers": row["csat"],
            "churn": None if row["churn"] is None else round(100 * row["churn"]),
            "high_share": _percent(row["high"], row["scored"]),
        }
        for row in rows
    ]


def drifting(limit=100):
    """Customers whose last answer was positive (an NPS promoter, CSAT 4-5) but whose churn risk
    is high, most value at risk first: the seeds' satisfied customers who drift away."""
    return (
        last_answers()
        .filter(band__in=POSITIVE_BANDS, customer__merged_into__isnull=True)
        .filter(HIGH.q("customer__score__churn_risk"))
        .select_related("customer", "customer__score", "customer__owner")
        .order_by("-customer__score__value_at_risk", "customer_id")[:limit]
    )
