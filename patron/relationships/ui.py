"""What relationship levels add to the customer and organisation pages: the level, the
suggestion, the history."""

from patron.customers.ui import customer_panels
from patron.organisations.ui import organisation_panels
from patron.relationships.views import level_context
from patron.web.panels import Panel


def _level(request, customer, **page):
    return level_context(request, customer=customer)


def _organisation_level(request, organisation, **page):
    return level_context(request, organisation=organisation)


customer_panels.register(
    Panel(
        "relationship_level",
        "relationships/panels/level.html",
        order=45,  # after value (40), before consents (50)
        context=_level,
        permission="relationships.view_customerlevel",
    )
)
organisation_panels.register(
    Panel(
        "relationship_level",
        "relationships/panels/level.html",
        order=30,  # after the profile and contacts
        context=_organisation_level,
        permission="relationships.view_customerlevel",
    )
)
