"""What the ladder adds to the customer page: the stage, the rule and the evidence that placed
the customer, and (for Admins and Marketers) a form to record evidence by hand."""

from patron.customers.ui import customer_panels
from patron.ladder import selectors, services
from patron.ladder.forms import HandEvidenceForm
from patron.web.panels import Panel


def _ladder(request, customer, **page):
    can_record = services.can_record(request.user)
    return {
        "placed": selectors.placed(customer),
        "can_record": can_record,
        "evidence_form": HandEvidenceForm() if can_record else None,
    }


customer_panels.register(Panel("ladder", "ladder/panels/ladder.html", order=42, context=_ladder))
