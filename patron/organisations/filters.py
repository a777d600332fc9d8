"""The organisation list's filters, declared once for its page and GET /api/organisations."""

import re

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from patron.api_schemas import MAX_ID
from patron.customers.folding import search_terms
from patron.filtering import ChoiceFilter, FilterSet, SearchFilter
from patron.organisations.models import Organisation


def _search(organisations, query):
    for term in search_terms(query):
        organisations = organisations.filter(search_name__contains=term)
    return organisations


def _owners():
    """The staff members who own an organisation, by name."""
    users = get_user_model().objects.filter(organisations__isnull=False).distinct()
    field = get_user_model().USERNAME_FIELD
    return list(users.order_by(field).values_list("pk", field))


def _owner(text):
    if not re.fullmatch(r"[0-9]{1,19}", text) or not 1 <= int(text) <= MAX_ID:
        raise ValidationError(_("There is no staff member with the id %(id)s.") % {"id": text})
    if not get_user_model().objects.filter(pk=int(text)).exists():
        raise ValidationError(_("There is no staff member with the id %(id)s.") % {"id": text})
    return int(text)


organisation_filters = FilterSet(
    filters=[
        SearchFilter(
            "q",
            gettext_lazy("Search"),
            placeholder=gettext_lazy("Name"),
            apply=_search,
            description="Words of the name; ignores case and accents",
        ),
        ChoiceFilter(
            "kind",
            gettext_lazy("Kind"),
            choices=Organisation.Kind.choices,
            empty_label=gettext_lazy("Any kind"),
            lookup="kind",
            description="Kind of relationship",
        ),
        ChoiceFilter(
            "owner",
            gettext_lazy("Owner"),
            choices=_owners,
            empty_label=gettext_lazy("Any owner"),
            parse=_owner,
            json_type=int,
            lookup="owner_id",
            description="The id of the staff member who owns the relationship",
            schema={"type": "integer", "minimum": 1, "maximum": MAX_ID},
        ),
    ]
)
