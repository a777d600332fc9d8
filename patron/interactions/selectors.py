from patron.interactions.models import Interaction


def interaction_list(*, customer=None, organisation=None, channel=None, since=None, until=None):
    interactions = Interaction.objects.select_related("staff", "customer", "organisation", "contact")
    if customer is not None:
        interactions = interactions.filter(customer=customer)
    if organisation is not None:
        interactions = interactions.filter(organisation=organisation)
    if channel:
        interactions = interactions.filter(channel=channel)
    if since:
        interactions = interactions.filter(occurred_at__gte=since)
    if until:
        interactions = interactions.filter(occurred_at__lt=until)
    return interactions
