"""What relationship levels add to the customer page: the level, the suggestion, the history."""

from patron.customers.ui import customer_panels
from patron.relationships.views import level_context
from patron.web.panels import Panel


def _level(request, customer, **page):
    return level_context(request, customer=customer)


customer_panels.register(
    Panel(
        "relationship_level",
        "relationships/panels/level.html",
        order=45,  # after value (40), before consents (50)
        context=_level,
        permission="relationships.view_customerlevel",
    )
)
