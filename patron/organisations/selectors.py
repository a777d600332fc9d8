from patron.customers.folding import search_terms
from patron.organisations.models import Organisation


def organisation_list(*, q=None, kind=None, owner=None):
    organisations = Organisation.objects.select_related("owner")
    for term in search_terms(q or ""):
        organisations = organisations.filter(search_name__contains=term)
    if kind:
        organisations = organisations.filter(kind=kind)
    if owner:
        organisations = organisations.filter(owner_id=owner)
    return organisations
