"""What interactions adds to the customer page: the history of contacts, with the form to log one."""

from patron.customers.ui import customer_panels
from patron.interactions.selectors import interaction_list
from patron.web.panels import Panel

LATEST = 50


def latest_interactions(customer):
    return interaction_list(customer=customer).order_by("-occurred_at", "-id")[:LATEST]


def _interactions(request, customer, **page):
    return {
        "interactions": latest_interactions(customer),
        "can_interact": request.user.has_perm("interactions.add_interaction"),
    }


customer_panels.register(
    Panel("interactions", "interactions/panels/interactions.html", order=70, context=_interactions, wide=True)
)
