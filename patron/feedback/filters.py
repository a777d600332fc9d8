"""What feedback adds to the one customer filter (FeedbackConfig.ready adds it): the band of the
customer's last survey answer (promoter, passive or detractor for NPS; satisfied, neutral or
unsatisfied for CSAT), or none answered. The list page, GET /api/customers and saved selections
read it; survey_customer indexes it."""

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy

from patron.feedback.models import Band, Survey
from patron.filtering import ChoiceFilter

NONE = "none"


def last_answers():
    """Answered surveys that are their customer's last answer (none answered later)."""
    later = Survey.objects.filter(customer=OuterRef("customer"), answered_at__isnull=False).filter(
        answered_at__gt=OuterRef("answered_at")
    )
    return Survey.objects.filter(answered_at__isnull=False).filter(~Exists(later))


def _with_last_answer(customers, value):
    if value == NONE:
        answered = Survey.objects.filter(customer=OuterRef("pk"), answered_at__isnull=False)
        return customers.filter(~Exists(answered))
    return customers.filter(Exists(last_answers().filter(customer=OuterRef("pk"), band=value)))


CUSTOMER_FILTERS = [
    ChoiceFilter(
        "survey",
        gettext_lazy("Last survey answer"),
        choices=[*Band.choices, (NONE, gettext_lazy("No survey answered"))],
        empty_label=gettext_lazy("Any survey answer"),
        apply=_with_last_answer,
        description=(
            "the band of the customer's last survey answer: promoter, passive or detractor (NPS "
            "9-10, 7-8, 0-6); satisfied, neutral or unsatisfied (CSAT 4-5, 3, 1-2); none: no answer"
        ),
    ),
]
