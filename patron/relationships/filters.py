"""What relationship levels add to the one customer filter (RelationshipsConfig.ready adds it):
customers at a level, or with none yet. The list page, GET /api/customers and saved selections
read it as they read the others; customer_level_level indexes it."""

from django.utils.translation import gettext_lazy

from patron.filtering import ChoiceFilter
from patron.relationships.models import CustomerLevel, Level

NONE = "none"


def _at_level(customers, value):
    with_level = CustomerLevel.objects.values("customer_id")
    if value == NONE:
        return customers.exclude(pk__in=with_level)
    return customers.filter(pk__in=with_level.filter(level=value))


CUSTOMER_FILTERS = [
    ChoiceFilter(
        "level",
        gettext_lazy("Relationship level"),
        choices=[*Level.choices, (NONE, gettext_lazy("No level yet"))],
        empty_label=gettext_lazy("Any relationship level"),
        apply=_at_level,
        description="basic, reactive, accountable, proactive, partnership, or none (no level set yet)",
    ),
]
