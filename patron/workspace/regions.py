"""Countries, time zones and each country's currency, from Babel's CLDR data."""

import zoneinfo

import phonenumbers
from babel import Locale
from babel.numbers import get_territory_currencies
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

COUNTRY_CODES = sorted(code for code in Locale("en").territories if len(code) == 2 and code.isalpha())
TIME_ZONES = sorted(zoneinfo.available_timezones())


def validate_country(code):
    normalised = (code or "").strip().upper()
    if normalised not in COUNTRY_CODES or normalised not in phonenumbers.SUPPORTED_REGIONS:
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


def country_names(language="en"):
    territories = Locale.parse(language.replace("-", "_")).territories
    return sorted(((code, territories.get(code, code)) for code in COUNTRY_CODES), key=lambda p: p[1])
