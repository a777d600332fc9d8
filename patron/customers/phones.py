"""Phone numbers in E.164, read in the region of the customer or of the workspace."""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_PHONE_LIKE = re.compile(r"^\+?[\d\s().\-/]{6,}$")


def normalise_phone(raw, region):
    """E.164 form of `raw` ("081 234 5678" in TH -> "+66812345678"); ValidationError if invalid."""
    text = (raw or "").strip()
    try:
        number = phonenumbers.parse(text, (region or "").upper() or None)
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
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def national_digits(e164):
    """The number as dialled at home, digits only ("+66812345678" -> "0812345678")."""
    number = phonenumbers.parse(e164)
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
