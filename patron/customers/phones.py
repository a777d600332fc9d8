"""Phone numbers in E.164, read in the region of the customer or of the workspace."""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_PHONE_LIKE = re.compile(r"^\+?[\d\s().\-/]{6,}$")


# Valid numbers already read: {(text, region): E.164} and {E.164: national digits}. An import
# reads each number several times (checking the row, matching, saving, search text); parsing
# one costs more than the rest of its row's work.
_READ: dict[tuple[str, str | None], str] = {}
_NATIONAL: dict[str, str] = {}
CACHE_SIZE = 100_000


def normalise_phone(raw, region):
    """E.164 form of `raw` ("081 234 5678" in TH -> "+66812345678"); ValidationError if invalid."""
    text = (raw or "").strip()
    key = (text, (region or "").upper() or None)
    e164 = _READ.get(key)
    if e164 is not None:
        return e164
    try:
        number = phonenumbers.parse(text, key[1])
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("%(raw)s is not a phone number.") % {"raw": raw}, code="invalid_phone"
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("%(raw)s is not a valid phone number for %(region)s.")
            % {"raw": raw, "region": region or _("any country")},
            code="invalid_phone",
        )
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if len(_READ) >= CACHE_SIZE:
        _READ.clear()
        _NATIONAL.clear()
    _READ[key] = e164
    number.extension = None  # not part of the E.164 form, so not of its national digits
    _NATIONAL[e164] = _national(number)
    return e164


def national_digits(e164):
    """The number as dialled at home, digits only ("+66812345678" -> "0812345678")."""
    digits = _NATIONAL.get(e164)
    if digits is None:
        digits = _national(phonenumbers.parse(e164))
    return digits


def _national(number):
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return re.sub(r"\D", "", national)


def display_phone(e164, region=None):
    """International format for foreign numbers, national format for home ones."""
    number = phonenumbers.parse(e164)
    if region and phonenumbers.region_code_for_number(number) == region.upper():
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def looks_like_phone(text):
    return bool(_PHONE_LIKE.match((text or "").strip())) and sum(c.isdigit() for c in text) >= 6


def phone_search_digits(text, region):
    """Digits to look for when someone searches a phone: E.164 digits when it parses, else as typed."""
    try:
        return normalise_phone(text, region).lstrip("+")
    except ValidationError:
        return re.sub(r"\D", "", text)
