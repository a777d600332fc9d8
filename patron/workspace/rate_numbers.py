"""Reading an exchange rate as written by a person or a spreadsheet: an exact Decimal above 0.

"." and "," are each either the decimal sign or the thousands separator; spaces only group
thousands. A value says which by itself when it holds both ("1.234,56"), repeats one
("1,234,567"), starts with 0 ("0,123") or has other than three digits after its only mark
("35,5", "0.0295"). "1,234" does not: the decimal sign must be known (chosen on the page,
settled by the other values of a file, or the user's language in a form).

A rate quoted the other way round (one unit of the base currency = X of the foreign one) is
turned into the stored form 1 / X, rounded half-even to ``PLACES`` decimal places.
"""

import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation, localcontext

from django.utils.translation import gettext as _

PLACES = 10
"""Decimal places of a stored rate (ExchangeRate.rate)."""
LIMIT = Decimal(10) ** (20 - PLACES)
"""A stored rate is below this (20 digits, 10 after the point)."""
QUANTUM = Decimal(1).scaleb(-PLACES)

MARKS = (".", ",")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_SHAPE = re.compile(r"^[0-9.,]+$")
_PLAIN = re.compile(r"^(?:0\.\d+|\d+\.(?:\d{1,2}|\d{4,})|\d+)$")


class RateProblem(ValueError):
    """A rate that cannot be read; the message says why, in the active language."""

    @property
    def message(self):
        return self.args[0]


class AmbiguousMark(RateProblem):
    """A value such as 1,234 whose only mark could be the decimal sign or thousands."""


def own_mark(text):
    """The decimal sign a value shows by itself ("." or ","), "" when it has none, or None
    when its only mark could be either (1,234)."""
    body = _SPACES.sub("", text or "")
    marks = [c for c in body if c in MARKS]
    if not marks:
        return ""
    if len(set(marks)) == 2:
        return marks[-1]
    if len(marks) > 1:
        return "," if marks[0] == "." else "."
    whole, tail = body.split(marks[0], 1)
    if len(tail) != 3 or whole.lstrip("+") in ("", "0"):
        return marks[0]
    return None


def read_rate(text, decimal=None):
    """The Decimal written in ``text`` (above 0, at most PLACES decimal places, below LIMIT).

    ``decimal``: the decimal sign ("." or ",") for values that do not show theirs; without it
    such a value raises AmbiguousMark.
    """
    raw = (text or "").strip()
    if not raw:
        raise RateProblem(_("The rate is empty."))
    value = _number(raw, decimal)
    if value <= 0:
        raise _not_a_number(raw)
    if value.normalize().as_tuple().exponent < -PLACES:
        raise RateProblem(
            _("'%(value)s' has more than %(places)s decimal places.") % {"value": raw, "places": PLACES}
        )
    if value >= LIMIT:
        raise RateProblem(_("'%(value)s' is too large for a rate.") % {"value": raw})
    return value


def _not_a_number(raw):
    return RateProblem(_("'%(value)s' is not a number above 0.") % {"value": raw})


def _number(raw, decimal):
    if _PLAIN.match(raw):  # 35.5, 0.0295, 32: the usual case, one reading whatever the sign
        return Decimal(raw)
    body = _SPACES.sub("", raw).lstrip("+")
    if not body or not _SHAPE.match(body):
        raise _not_a_number(raw)
    mark = own_mark(body)
    if mark is None:
        if decimal not in MARKS:
            raise AmbiguousMark(
                _("'%(value)s' could be read with '%(mark)s' as the decimal sign or as thousands.")
                % {"value": raw, "mark": next(c for c in body if c in MARKS)}
            )
        mark = decimal
    group = "" if not mark else ("," if mark == "." else ".")
    whole, point, fraction = body.partition(mark) if mark else (body, "", "")
    if point and (not fraction.isdigit() or not whole):
        raise _not_a_number(raw)
    if group and group in whole:
        groups = whole.split(group)
        if not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:]):
            raise _not_a_number(raw)
        whole = "".join(groups)
    if not whole.isdigit():
        raise _not_a_number(raw)
    try:
        return Decimal(f"{whole}.{fraction}" if fraction else whole)
    except InvalidOperation:  # pragma: no cover - only digits reach here
        raise _not_a_number(raw) from None


def inverted(quoted):
    """The stored rate of a rate quoted as "1 base = ``quoted`` foreign": 1 / quoted, rounded
    half-even to PLACES decimal places; RateProblem when that rounds to 0."""
    with localcontext() as context:
        context.prec = 60
        value = (Decimal(1) / quoted).quantize(QUANTUM, rounding=ROUND_HALF_EVEN)
    if value <= 0:
        raise RateProblem(
            _("1 / %(value)s rounds to 0 at %(places)s decimal places.") % {"value": quoted, "places": PLACES}
        )
    if value >= LIMIT:
        raise RateProblem(_("'%(value)s' is too large for a rate.") % {"value": quoted})
    return value
