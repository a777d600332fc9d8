"""What scoring adds to pages it does not own: the value card on the customer page and the
Value entry of the menu."""

from django.utils.translation import gettext_lazy as _

from patron.customers.ui import customer_panels
from patron.scoring.models import CustomerScore
from patron.scoring.reasons import score_reasons
from patron.web import navigation
from patron.web.navigation import NavEntry
from patron.web.panels import Panel


def _value(request, customer, *, workspace, **page):
    score = CustomerScore.objects.select_related("run").filter(customer=customer).first()
    return {"score": score, "reasons": score_reasons(score, workspace.currency) if score else []}


customer_panels.register(Panel("value", "scoring/panels/value.html", order=40, context=_value))

navigation.register(
    NavEntry(
        "value",
        _("Value"),
        "scoring:value",
        order=30,
        permission="scoring.view_customerscore",
        current_for=("scoring",),
        element_id="nav-value",
    )
)
