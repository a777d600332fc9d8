"""Benefit cards: a member number that a shop scans (its QR code) or types at the counter.

A number is 12 digits: 11 drawn at random (``secrets``; the first never 0), so that numbers are
neither sequential nor guessable from a neighbour's card, and a Luhn check digit, which catches
any one digit mistyped and most neighbours swapped. It is shown in groups of four (1234 5678
9012) and read back with or without spaces and dashes. The QR code holds the number alone:
a scanner at the counter types it into the lookup field like a keyboard.
"""

import re
import secrets

import segno
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from patron.accounts.permissions import require
from patron.actors import as_actor
from patron.loyalty.models import Card

ISSUE = "loyalty.redeem_points"  # who serves members at the counter issues their cards
DIGITS = 12
_SEPARATORS = re.compile(r"[\s\-.]+")


def luhn_digit(digits):
    """The Luhn check digit of ``digits`` (a string of digits)."""
    total = 0
    for position, digit in enumerate(reversed(digits)):
        value = int(digit) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def luhn_valid(number):
    return len(number) > 1 and number.isdigit() and luhn_digit(number[:-1]) == number[-1]


def new_number():
    body = str(secrets.randbelow(9) + 1) + "".join(str(secrets.randbelow(10)) for _n in range(DIGITS - 2))
    return body + luhn_digit(body)


def shown_number(number):
    """1234 5678 9012."""
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))


def card_issue(*, customer, by):
    """The customer's card, made on first call. Returns (card, created)."""
    require(as_actor(by), ISSUE)
    if customer.merged_into_id or customer.erased_at:
        raise ValidationError(_("This customer record was merged or erased: it gets no card."))
    found = Card.objects.filter(customer=customer).first()
    if found:
        return found, False
    for attempt in range(5):
        try:
            with transaction.atomic():
                return Card.objects.create(customer=customer, number=new_number()), True
        except IntegrityError:
            found = Card.objects.filter(customer=customer).first()
            if found:  # made meanwhile by a request side by side
                return found, False
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def card_find(text):
    """The card of a number as typed or scanned (spaces and dashes allowed), or None when no
    card has it. ValidationError for what is no member number (a digit mistyped)."""
    number = _SEPARATORS.sub("", str(text or ""))
    if not number:
        raise ValidationError(_("Type or scan a member number."))
    if len(number) != DIGITS or not luhn_valid(number):
        raise ValidationError(
            _("%(number)s is not a member number: check the %(digits)s digits.")
            % {"number": str(text).strip()[:40], "digits": DIGITS}
        )
    return Card.objects.select_related("customer").filter(number=number).first()


def qr_svg(number, scale=4):
    """The card's QR code as inline SVG (the number alone, error correction M)."""
    code = segno.make(number, error="m", micro=False)
    return mark_safe(code.svg_inline(scale=scale, omitsize=False, title=number))  # noqa: S308 segno's own SVG
