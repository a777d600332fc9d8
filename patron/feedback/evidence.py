"""The evidence feedback gives the loyalty ladder (patron/ladder/evidence.py), registered in
FeedbackConfig.ready: positive survey answers (an NPS promoter, CSAT 4-5) at their answer's
time, and compliments, public reviews and co-created ideas at the time they were given. The
ladder re-derives the customers concerned when feedback_recorded tells of them."""

from django.db.models import F

from patron.feedback.models import POSITIVE_BANDS, Feedback, FeedbackKind, Survey


def positive_answers():
    return (
        Survey.objects.filter(band__in=POSITIVE_BANDS)
        .annotate(at=F("answered_at"))
        .values("customer_id", "at")
    )


def _feedback_of(kind):
    def rows():
        return Feedback.objects.filter(kind=kind).annotate(at=F("occurred_at")).values("customer_id", "at")

    return rows


def register_evidence():
    from patron.ladder.evidence import register

    register("survey_positive", None, positive_answers, name="feedback.positive_answers")
    register("compliment", None, _feedback_of(FeedbackKind.COMPLIMENT), name="feedback.compliments")
    register("review", None, _feedback_of(FeedbackKind.REVIEW), name="feedback.reviews")
    register("idea", None, _feedback_of(FeedbackKind.IDEA), name="feedback.ideas")
