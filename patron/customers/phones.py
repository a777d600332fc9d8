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

# Mobile numbers of the workspace regions, in the shapes customer files hold them: the national
# number (as phonenumbers' metadata describes each region's mobiles, see MOBILE_PATTERNS), after
# the trunk prefix 0 or after +country code, its digits alone or grouped by single spaces or
# hyphens. Each such number is valid, its E.164 form is +code and the national number, and it
# is dialled at home as 0 and the national number: the answer phonenumbers gives, built without
# it (test_phones checks both agree on every prefix, and that the metadata is the one read here).
MOBILE_PATTERNS = {
    "TH": ("66", r"(?:[89]\d|6[0-68])\d{7}"),
    "VN": ("84", r"(?:3\d|7[06-9]|8[1-8]|9[0-8])\d{7}"),
    "PH": ("63", r"9[235-7]\d{8}"),
    "TR": ("90", r"5[03-5]\d{8}"),
}
_GROUPED = re.compile(r"(\+\d{2}|0)(?:[ -]?\d)+")
_NATIONAL_MOBILE = {region: re.compile(pattern) for region, (_code, pattern) in MOBILE_PATTERNS.items()}
_MOBILE_OF_CODE = {code: re.compile(pattern) for code, pattern in MOBILE_PATTERNS.values()}


def _known_mobile(text, region):
    """The E.164 form of ``text`` when it is one of the shapes above, else None (ask phonenumbers)."""
    shape = _GROUPED.fullmatch(text)
    if shape is None:
        return None
    lead = shape.group(1)
    digits = text[len(lead) :].replace(" ", "").replace("-", "")
    if lead == "0":
        if region not in MOBILE_PATTERNS:
            return None
        code, pattern = MOBILE_PATTERNS[region][0], _NATIONAL_MOBILE[region]
    else:
        code, pattern = lead[1:], _MOBILE_OF_CODE.get(lead[1:])
    if pattern is None or not pattern.fullmatch(digits):
        return None
    return f"+{code}{digits}"


def normalise_phone(raw, region):
    """E.164 form of `raw` ("081 234 5678" in TH -> "+66812345678"); ValidationError if invalid."""
    text = (raw or "").strip()
    key = (text, (region or "").upper() or None)
    e164 = _READ.get(key)
    if e164 is not None:
        return e164
    e164 = _known_mobile(text, key[1])
    if e164 is not None:
        _remember(key, e164, "0" + e164[3:])
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
    number.extension = None  # not part of the E.164 form, so not of its national digits
    _remember(key, e164, _national(number))
    return e164


def _remember(key, e164, national):
    if len(_READ) >= CACHE_SIZE:
        _READ.clear()
        _NATIONAL.clear()
    _READ[key] = e164
    _NATIONAL[e164] = national


def national_digits(e164):
    """The number as dialled at home, digits only ("+66812345678" -> "0812345678")."""
    digits = _NATIONAL.get(e164)
    if digits is None:
        pattern = _MOBILE_OF_CODE.get(e164[1:3])
        if pattern is not None and e164[0] == "+" and pattern.fullmatch(e164, 3):
            return "0" + e164[3:]
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
