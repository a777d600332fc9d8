"""Countries, time zones and each country's currency, from Babel's CLDR data."""

import functools
import zoneinfo

import phonenumbers
from babel import Locale
from babel.numbers import get_territory_currencies
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from patron.workspace.collation import sort_key

# CLDR names these too, but no one lives in them as a country: groupings (EU European Union,
# EZ Eurozone, UN United Nations, QO Outlying Oceania), codes for testing translations (XA
# Pseudo-Accents, XB Pseudo-Bidi), ZZ Unknown Region, and ISO's codes reserved for parts of
# other countries (AC Ascension and TA Tristan da Cunha are in SH, CP Clipperton, CQ Sark, DG
# Diego Garcia, EA Ceuta and Melilla, IC the Canary Islands). Continents are three digits.
NOT_COUNTRIES = frozenset(
    {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ", "AC", "TA", "CP", "CQ", "DG", "EA", "IC"}
)

# The countries a customer, organisation or workspace may be in: ISO 3166's, and Kosovo (XK),
# each with telephone numbers of its own (so a local number can be read in it); islands with
# no one living there (Antarctica, Bouvet, Heard) have none. Held here, never in a model's
# choices: a new release of Babel or phonenumbers must not need a migration.
COUNTRY_CODES = sorted(
    code
    for code in Locale("en").territories
    if len(code) == 2
    and code.isalpha()
    and code not in NOT_COUNTRIES
    and code in phonenumbers.SUPPORTED_REGIONS
)
_KNOWN = frozenset(COUNTRY_CODES)
TIME_ZONES = sorted(zoneinfo.available_timezones())


def validate_country(code):
    normalised = (code or "").strip().upper()
    if normalised not in _KNOWN:
        raise ValidationError(
            _("%(code)s is not a country code: use two letters such as TH, VN, TR or PH.") % {"code": code}
        )
    return normalised


def validate_time_zone(name):
    if name not in zoneinfo.available_timezones():
        raise ValidationError(
            _("%(name)s is not a time zone: use a name such as Asia/Bangkok.") % {"name": name}
        )
    return name


def country_currency(country):
    currencies = get_territory_currencies(country)
    return currencies[0] if currencies else "USD"


def country_names(language="en", first=None):
    """(code, name) of every country, named in ``language`` and sorted as its dictionary sorts
    them, with ``first`` (by default the workspace's country) at the top: every country select
    takes its choices from here."""
    if first is None:
        from patron.workspace.services import get_workspace

        first = get_workspace().country
    names = _sorted_names(language or "en")
    return [pair for pair in names if pair[0] == first] + [pair for pair in names if pair[0] != first]


@functools.cache
def _sorted_names(language):
    territories = Locale.parse(language.replace("-", "_")).territories
    names = [(code, territories.get(code, code)) for code in COUNTRY_CODES]
    return tuple(sorted(names, key=lambda pair: sort_key(pair[1], language)))
