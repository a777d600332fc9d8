"""How each kind of contact point is written, kept and matched.

``contact_point(kind, raw, region)`` gives (value as entered, normalised form, match key), or a
ValidationError that says what is wrong in the user's language:

- e-mail: normalised case-folded; matched by identity.email_match_key (Gmail ignores dots and
  +tags, other providers do not);
- phone and WhatsApp (a WhatsApp account is a phone number): E.164, read in ``region``;
- LINE user id: "U" and 32 hexadecimal digits, as the LINE platform issues it (U[0-9a-f]{32});
  the hexadecimal digits are lower case there, so they are kept so. A user's searchable
  "LINE ID" is another thing and is not accepted here;
- Zalo user id: the digits Zalo's Official Account API gives (a string of digits);
- Viber user id: the id the Viber bot API gives, Base64 text such as "01234567890A=", whose
  case matters: kept as given.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from patron.customers.identity import email_match_key, is_email_address
from patron.customers.models import ContactKind
from patron.customers.phones import normalise_phone

MAX_LENGTH = 254
_LINE = re.compile(r"U([0-9a-fA-F]{32})")
_ZALO = re.compile(r"\d{1,32}")
_VIBER = re.compile(r"[A-Za-z0-9+/]{1,62}={0,2}")
# Every kind, in the order identity matching tries them (ContactKind.values makes a new list at
# each call, a few microseconds: too slow for each contact point of an import).
KINDS = tuple(ContactKind.values)
_KNOWN = frozenset(KINDS)
NUMBER_KINDS = frozenset({ContactKind.PHONE.value, ContactKind.WHATSAPP.value})  # read as phone numbers


def contact_point(kind, raw, region):
    """(value, normalised, match key) of ``raw`` as a contact point of ``kind``; ValidationError
    when it is not one. ``region``: where a local phone number is read."""
    value = (raw or "").strip() if isinstance(raw, str) else ""
    if kind not in _KNOWN:
        raise ValidationError(
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(KINDS)}, code="invalid_kind"
        )
    if len(value) > MAX_LENGTH:
        raise ValidationError(_("At most %(limit)d characters.") % {"limit": MAX_LENGTH}, code="too_long")
    if kind == ContactKind.EMAIL:
        if not is_email_address(value):
            raise ValidationError(_("%(value)s is not an e-mail address.") % {"value": raw}, code="invalid")
        return value, value.casefold(), email_match_key(value)
    if kind in NUMBER_KINDS:
        e164 = normalise_phone(value, region)
        return value, e164, e164
    if kind == ContactKind.LINE:
        found = _LINE.fullmatch(value)
        if found is None:
            raise ValidationError(
                _(
                    "%(value)s is not a LINE user id: it is U and 32 hexadecimal digits, as the LINE "
                    "platform gives it (not the LINE ID people search for)."
                )
                % {"value": raw},
                code="invalid",
            )
        normalised = "U" + found.group(1).lower()
        return value, normalised, normalised
    if kind == ContactKind.ZALO:
        if not _ZALO.fullmatch(value):
            raise ValidationError(
                _("%(value)s is not a Zalo user id: it is a number of up to 32 digits.") % {"value": raw},
                code="invalid",
            )
        return value, value, value
    if not _VIBER.fullmatch(value):
        raise ValidationError(
            _("%(value)s is not a Viber user id: it has letters, digits, + and /, and may end with =.")
            % {"value": raw},
            code="invalid",
        )
    return value, value, value


def match_key_or_raw(kind, raw, region):
    """The match key of ``raw``, or the text itself when it is not a contact point of ``kind``
    (the rules then refuse it; a key that matches nothing does no harm meanwhile)."""
    try:
        return contact_point(kind, raw, region)[2]
    except ValidationError:
        return (raw or "").strip()
