"""The customer list's filters and sorts, declared once: the list page, GET /api/customers and
saved selections (to_json / from_json) all read them from `customer_filters`.

Other apps add theirs in their AppConfig.ready(), through customer_filters.add() and
add_sort(), so that customers imports none of them: patron.scoring adds segment, churn band,
lifetime value and value decile, and the orders by value and by churn risk.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from patron.customers.folding import search_terms
from patron.customers.models import Channel, Purpose, Tag
from patron.customers.phones import looks_like_phone, phone_search_digits
from patron.filtering import ChoiceFilter, FilterSet, SearchFilter
from patron.workspace.regions import COUNTRY_CODES, country_names
from patron.workspace.services import get_workspace

KNOWN_COUNTRIES = frozenset(COUNTRY_CODES)


def customer_search(queryset, query):
    """Customers whose names, e-mails or phones hold every word of `query`, in any case or accent."""
    if looks_like_phone(query):
        return queryset.filter(search_text__contains=phone_search_digits(query, get_workspace().country))
    for term in search_terms(query):
        queryset = queryset.filter(search_text__contains=term)
    return queryset


def _tag(name):
    tag = Tag.objects.only("name").named([name]).first()
    if tag is None:
        raise ValidationError(_("There is no tag %(name)s.") % {"name": name})
    return tag


def _with_tag(customers, tag):
    # By id, not by a join on the name: the planner then sees how rare the tag is
    # (a join on the name walked a million customers for a tag few of them have).
    return customers.filter(tags=tag.pk)


NO_OWNER = "none"


@dataclass(frozen=True)
class Owner:
    """An owner= value: a staff member (``pk``, ``username``), or nobody (pk None)."""

    pk: int | None
    username: str = NO_OWNER

    def __str__(self):
        return self.username


def _owner_choices():
    field = get_user_model().USERNAME_FIELD
    users = get_user_model().objects.filter(is_active=True).order_by(field).values_list(field, flat=True)
    return [(NO_OWNER, _("No owner")), *((name, name) for name in users)]


def _owner(text):
    """A user name (active or not: a customer may still be owned by someone who left), or none."""
    if text == NO_OWNER:
        return Owner(None)
    field = get_user_model().USERNAME_FIELD
    pk = get_user_model().objects.filter(**{field: text}).values_list("pk", flat=True).first()
    if pk is None:
        raise ValidationError(_("There is no member of staff named %(name)s.") % {"name": text})
    return Owner(pk, text)


def _with_owner(customers, owner):
    return customers.filter(owner_id=owner.pk) if owner.pk else customers.filter(owner__isnull=True)


def _country(code):
    if code.upper() not in KNOWN_COUNTRIES:
        raise ValidationError(
            _("%(code)s is not a country code: use two letters such as TH, VN, TR or PH.") % {"code": code}
        )
    return code.upper()


def _consent_choices():
    return [
        (f"{channel}:{purpose}", f"{channel_label} · {purpose_label}")
        for channel, channel_label in Channel.choices
        for purpose, purpose_label in Purpose.choices
    ]


CONSENTS = [f"{channel}:{purpose}" for channel in Channel.values for purpose in Purpose.values]


def _consent(value):
    """ "email:marketing" -> ("email", "marketing")."""
    channel, _sep, purpose = value.partition(":")
    if channel not in Channel.values or purpose not in Purpose.values:
        raise ValidationError(_("Filter consent as channel:purpose, for example email:marketing."))
    return channel, purpose


def _with_consent(customers, consent):
    channel, purpose = consent
    return customers.filter(consents__channel=channel, consents__purpose=purpose, consents__granted=True)


class ConsentFilter(ChoiceFilter):
    def to_json(self, value):
        return ":".join(value)


customer_filters = FilterSet(
    filters=[
        SearchFilter(
            "q",
            gettext_lazy("Search"),
            placeholder=gettext_lazy("Name, e-mail, phone or chat id"),
            apply=customer_search,
            description="Name, e-mail, phone or chat id; ignores case and accents",
        ),
        ChoiceFilter(
            "tag",
            gettext_lazy("Tag"),
            choices=lambda: Tag.objects.values_list("name", "name"),
            empty_label=gettext_lazy("Any tag"),
            parse=_tag,
            apply=_with_tag,
            description="The name of a tag",
            schema={"type": "string", "minLength": 1},
        ),
        ChoiceFilter(
            "country",
            gettext_lazy("Country"),
            choices=lambda: country_names(get_language()),
            empty_label=gettext_lazy("Any country"),
            parse=_country,
            lookup="country",
            description="ISO 3166 alpha-2, in either case",
            schema={"type": "string", "pattern": "^[A-Za-z]{2}$"},
        ),
        ChoiceFilter(
            "owner",
            gettext_lazy("Owner"),
            choices=_owner_choices,
            empty_label=gettext_lazy("Any owner"),
            parse=_owner,
            apply=_with_owner,
            description="The user name of the staff member who owns the customer, or none",
            schema={"type": "string", "minLength": 1},
        ),
        ConsentFilter(
            "consent",
            gettext_lazy("Consent"),
            choices=_consent_choices,
            empty_label=gettext_lazy("Any consent"),
            parse=_consent,
            apply=_with_consent,
            description="channel:purpose with consent granted, e.g. email:marketing",
            schema={"type": "string", "enum": CONSENTS},
        ),
    ],
    default_order=gettext_lazy("Newest first"),
)
