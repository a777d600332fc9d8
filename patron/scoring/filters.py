"""What scoring adds to the customer list (ScoringConfig.ready adds it), and the churn bands,
defined here once for the list page, GET /api/customers and GET /api/scores.

A band holds the churn risks from `low` (included) up to `high` (not included): 0.7 is high,
0.3 is medium. Customers without a churn risk (one-time buyers, and every customer of a run
that could not fit the models) are in no band.
"""

from dataclasses import dataclass

from babel.numbers import format_percent
from django.db.models import Q
from django.utils.functional import lazy
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from patron.filtering import ChoiceFilter, DecimalFilter, Sort
from patron.scoring.models import Segment
from patron.workspace.money import babel_locale


@dataclass(frozen=True)
class ChurnBand:
    name: str
    label: str
    low: float | None
    high: float | None

    def q(self, field="churn_risk"):
        """Rows whose `field` is in the band: at least `low` and under `high` (a null compares
        with neither, so a customer without a churn risk is in no band)."""
        q = Q()
        if self.low is not None:
            q &= Q(**{f"{field}__gte": self.low})
        if self.high is not None:
            q &= Q(**{f"{field}__lt": self.high})
        return q


CHURN_BANDS = {
    band.name: band
    for band in (
        ChurnBand("high", gettext_lazy("High churn risk (at least 70%)"), 0.7, None),
        ChurnBand("medium", gettext_lazy("Medium churn risk (30–70%)"), 0.3, 0.7),
        ChurnBand("low", gettext_lazy("Low churn risk (under 30%)"), None, 0.3),
    )
}
CHURN_BANDS_DOCUMENTED = (
    "Churn band: high = churn risk at least 0.7; medium = at least 0.3 and under 0.7; "
    "low = under 0.3. Customers without a churn risk (one-time buyers) are in none."
)


def _decile_label(decile):
    locale = babel_locale(get_language())
    return _("Decile %(decile)d (top %(start)s–%(end)s)") % {
        "decile": decile,
        "start": format_percent((decile - 1) / 10, locale=locale),
        "end": format_percent(decile / 10, locale=locale),
    }


decile_label = lazy(_decile_label, str)


def _in_band(customers, band):
    return customers.filter(CHURN_BANDS[band].q("score__churn_risk"))


CUSTOMER_FILTERS = [
    ChoiceFilter(
        "segment",
        gettext_lazy("Segment"),
        choices=Segment.choices,
        empty_label=gettext_lazy("Any segment"),
        lookup="score__segment",
        description="RFM segment of the last scoring",
    ),
    ChoiceFilter(
        "churn",
        gettext_lazy("Churn risk"),
        choices=[(band.name, band.label) for band in CHURN_BANDS.values()],
        empty_label=gettext_lazy("Any churn risk"),
        apply=_in_band,
        description=CHURN_BANDS_DOCUMENTED,
    ),
    DecimalFilter(
        "min_clv",
        gettext_lazy("Lifetime value at least"),
        minimum=0,
        max_digits=18,
        decimal_places=4,
        lookup="score__clv__gte",
        description="Lifetime value (12 months, base currency) at least this, inclusive",
    ),
    # Value at risk (scoring's value_at_risk: the CLV if still active times the churn risk), a
    # range in the base currency, both ends inclusive; customers without one are in no range.
    DecimalFilter(
        "min_at_risk",
        gettext_lazy("Value at risk at least"),
        minimum=0,
        max_digits=18,
        decimal_places=4,
        lookup="score__value_at_risk__gte",
        description="Value at risk (12 months, base currency) at least this, inclusive",
    ),
    DecimalFilter(
        "max_at_risk",
        gettext_lazy("Value at risk at most"),
        minimum=0,
        max_digits=18,
        decimal_places=4,
        lookup="score__value_at_risk__lte",
        description="Value at risk (12 months, base currency) at most this, inclusive",
    ),
    ChoiceFilter(
        "decile",
        gettext_lazy("Value decile"),
        choices=[(decile, decile_label(decile)) for decile in range(1, 11)],
        empty_label=gettext_lazy("Any value decile"),
        json_type=int,
        lookup="score__value_decile",
        description="Tenth of customers by lifetime value: 1 = the most valuable tenth, 10 = the least",
    ),
]

CUSTOMER_SORTS = [
    Sort("clv", gettext_lazy("Highest lifetime value first"), "score__clv"),
    Sort("churn", gettext_lazy("Highest churn risk first"), "score__churn_risk"),
    Sort("at_risk", gettext_lazy("Highest value at risk first"), "score__value_at_risk"),
]
