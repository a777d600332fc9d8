from patron.organisations.filters import organisation_filters
from patron.organisations.models import Organisation


def organisation_list(selection=None, **values):
    """Organisations matching `selection` (of organisation_filters) or `values`, read by the
    same filters as the list page and the API: organisation_list(kind="supplier")."""
    if selection is None:
        selection = organisation_filters.parse(values)
    elif values:
        raise TypeError("Give a selection or filter values, not both.")
    return selection.apply(Organisation.objects.select_related("owner"))
