"""What the ladder adds to the one customer filter (LadderConfig.ready adds it): the customers
at a stage. The list page, GET /api/customers and saved selections read it as they read the
others. A customer with no standing is a prospect (see models.py)."""

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy

from patron.filtering import ChoiceFilter
from patron.ladder.models import Stage, Standing


def _at_stage(customers, value):
    stage = Stage.from_code(value)
    if stage == Stage.PROSPECT:
        above = Standing.objects.filter(customer=OuterRef("pk"), stage__gt=Stage.PROSPECT)
        return customers.filter(~Exists(above))
    return customers.filter(Exists(Standing.objects.filter(customer=OuterRef("pk"), stage=stage)))


CUSTOMER_FILTERS = [
    ChoiceFilter(
        "stage",
        gettext_lazy("Ladder stage"),
        choices=[(stage.code, stage.label) for stage in Stage],
        empty_label=gettext_lazy("Any stage"),
        apply=_at_stage,
        description="the customer's loyalty ladder stage: " + ", ".join(stage.code for stage in Stage),
    ),
]
