"""What home adds to the customer list (HomeConfig.ready adds it): a filter by purchases, so
that each figure of the home page links to the customers it counts, counted the same way."""

from django.utils.translation import gettext_lazy

from patron.filtering import ChoiceFilter
from patron.home.periods import this_month, year_ago
from patron.sales.summaries import bought_between, first_bought_between
from patron.scoring.summaries import bought_again

ACTIVE, THIS_MONTH, NEW, REPEAT = "12m", "month", "new", "repeat"


def _bought(customers, value):
    if value == ACTIVE:
        return customers.filter(bought_between(year_ago()))
    if value == THIS_MONTH:
        return customers.filter(bought_between(this_month()))
    if value == NEW:
        return customers.filter(first_bought_between(this_month()))
    return customers.filter(bought_again("score__"))


CUSTOMER_FILTERS = [
    ChoiceFilter(
        "bought",
        gettext_lazy("Purchases"),
        choices=[
            (ACTIVE, gettext_lazy("Bought in the last 12 months")),
            (THIS_MONTH, gettext_lazy("Bought this month")),
            (NEW, gettext_lazy("First purchase this month")),
            (REPEAT, gettext_lazy("Bought again (last scoring)")),
        ],
        empty_label=gettext_lazy("Any purchases"),
        apply=_bought,
        description=(
            "12m: a completed purchase in the last 12 months; month: one this business month; "
            "new: the first purchase ever this business month; repeat: purchases on at least two "
            "days, as of the last scoring. Months and days are the workspace's time zone's."
        ),
    )
]
