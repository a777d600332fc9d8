"""What loyalty adds to the one customer filter (LoyaltyConfig.ready adds it): the tier, points
at least a number, and whether the customer has a benefit card. The list page, GET
/api/customers and saved selections read them as they read the others."""

import re
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from patron.filtering import ChoiceFilter, Filter
from patron.loyalty.models import Tier
from patron.loyalty.tiers import NO_TIER

_WHOLE = re.compile(r"[0-9]{1,15}")


@dataclass(frozen=True)
class TierChoice:
    """A tier= value: a tier (``pk``, ``name``), or no tier (pk None)."""

    pk: int | None
    name: str = NO_TIER

    def __str__(self):
        return self.name


def _tier_choices():
    return [(NO_TIER, _("No tier")), *Tier.objects.order_by("threshold").values_list("name", "name")]


def _tier(text):
    if text.casefold() == NO_TIER:
        return TierChoice(None)
    tier = Tier.objects.filter(name__iexact=text.strip()).values_list("pk", "name").first()
    if tier is None:
        raise ValidationError(_("There is no tier %(name)s.") % {"name": text})
    return TierChoice(*tier)


def _in_tier(customers, tier):
    if tier.pk is None:
        return customers.exclude(loyalty_membership__tier__isnull=False)
    return customers.filter(loyalty_membership__tier=tier.pk)


class PointsFilter(Filter):
    """A whole number of points of at least 1."""

    json_type = int

    def parse(self, text):
        if not _WHOLE.fullmatch(text) or int(text) < 1:
            raise ValidationError(_("Give a whole number of points of at least 1, such as 500."))
        return int(text)

    def schema(self):
        return {"type": "integer", "minimum": 1, "maximum": 10**15 - 1}

    def form_field(self):
        attrs = {"min": "1", "step": "1", "placeholder": self.label, "inputmode": "numeric"}
        return _PointsField(self, widget=forms.NumberInput(attrs=attrs))


class _PointsField(forms.CharField):
    def __init__(self, filter_, **kwargs):
        self.filter = filter_
        super().__init__(label=filter_.label, required=False, **kwargs)

    def clean(self, value):
        if value in self.empty_values:
            return None
        return self.filter.parse(str(value).strip())


def _with_card(customers, answer):
    return customers.filter(loyalty_card__isnull=answer != "yes")


CUSTOMER_FILTERS = [
    ChoiceFilter(
        "tier",
        gettext_lazy("Tier"),
        choices=_tier_choices,
        empty_label=gettext_lazy("Any tier"),
        parse=_tier,
        apply=_in_tier,
        description="The name of a loyalty tier (either case), or none for customers without a tier",
        schema={"type": "string", "minLength": 1},
    ),
    PointsFilter(
        "min_points",
        gettext_lazy("Points at least"),
        apply=lambda customers, points: customers.filter(loyalty_account__points__gte=points),
        description=(
            "Loyalty points at least this many, counted as the points account holds them: every "
            "point not yet spent or expired, pending ones and ones past expiry that the nightly "
            "expiry has not taken yet included (a fast stand-in for available points)"
        ),
    ),
    ChoiceFilter(
        "has_card",
        gettext_lazy("Benefit card"),
        choices=[("yes", gettext_lazy("Has a benefit card")), ("no", gettext_lazy("No benefit card"))],
        empty_label=gettext_lazy("With or without a card"),
        apply=_with_card,
        description="yes: customers with a loyalty benefit card; no: those without one",
    ),
]
