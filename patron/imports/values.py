"""Turning the cells of a messy sales export into typed values.

Dates and times, money amounts, quantities, integers and yes/no; Django only for the
translation of messages. Every reader raises `ValueProblem` with a message that names the
value, in the active language, so the importer can write a reject row with the column and
the reason.
"""

import re
import unicodedata
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.numbers import get_decimal_symbol, get_group_symbol
from django.utils.translation import gettext_noop

from patron.imports.messages import said
from patron.workspace.money import CURRENCY_CODES, check_currency, minor_units


class ValueProblem(ValueError):
    """A cell that cannot be read; the message names the value and says why."""

    @property
    def message(self):
        return self.args[0] if self.args else ""


class AmbiguousDates(ValueError):
    """A whole date column that could be day-first or month-first."""

    def __init__(self, message, example=None):
        super().__init__(message)
        self.example = example

    @property
    def message(self):
        return self.args[0]


def _problem(message, raw, **values):
    """A ValueProblem naming the cell's value: ``message`` (a message id, marked with gettext_noop)
    has %(value)s and the ``values``; it keeps them, to be worded again for each reader."""
    return ValueProblem(said(message, value=raw, **values))


# What a reader expected, for "'x' is not ..." and "An empty cell is not ..." messages.
_NOT = {
    "amount": gettext_noop("'%(value)s' is not an amount of money"),
    "quantity": gettext_noop("'%(value)s' is not a quantity"),
}
_EMPTY = {
    "amount": gettext_noop("An empty cell is not an amount of money"),
    "quantity": gettext_noop("An empty cell is not a quantity"),
}


def _not(what, raw):
    return _problem(_NOT[what], raw)


# --------------------------------------------------------------------------- dates

BUDDHIST_OFFSET = 543
BUDDHIST_THRESHOLD = 2400  # a year above this is a Buddhist-era year (2567 BE = 2024 CE)

_TIME = r"""
    (?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,6}))?)?
    \s*(?P<meridiem>[ap]\.?\s?m\.?)?
    \s*(?P<offset>Z|[+-]\d{2}(?::?\d{2})?)?
"""
_DATE_TIME = re.compile(
    rf"""^
    (?P<first>\d+)(?P<sep>[/.-])(?P<second_part>\d+)(?P=sep)(?P<third>\d+)
    (?:(?:\s*[T ]\s*|\s*,\s*){_TIME})?
    $""",
    re.VERBOSE | re.IGNORECASE,
)
_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")

ORDERS = ("dmy", "mdy", "ymd")
CALENDARS = ("gregorian", "buddhist")


def _parts(text):
    """The regex match of a date-shaped value (parts, time, offset), or None."""
    return _DATE_TIME.match(text.strip())


def _is_ymd(match):
    return len(match["first"]) == 4


class DateReader:
    """Reads dates and date-times in one column's format.

    order: "dmy", "mdy" or "ymd" for values such as 05/03/2024; ISO values (2024-03-05) are
    always read year-first. None reads only the values whose order is clear (25/03/2024).
    calendar: "buddhist" subtracts 543 from years (2567 -> 2024); None or "gregorian" does not.
    zone: the time zone of values written without an offset.
    Two-digit years are refused as ambiguous.
    """

    def __init__(self, order=None, calendar=None, zone=None):
        if order not in (None, *ORDERS):
            raise ValueError(f"Unknown date order {order!r}: use dmy, mdy or ymd.")
        if calendar not in (None, *CALENDARS):
            raise ValueError(f"Unknown calendar {calendar!r}: use gregorian or buddhist.")
        self.order = order
        self.calendar = calendar
        self.zone = zone or ZoneInfo("UTC")

    @classmethod
    def for_column(cls, samples, order=None, calendar=None, zone=None):
        """A reader for a column, guessing the order and calendar from a sample of its values.

        Raises AmbiguousDates when no order is given and every day-month value could be
        either (03/04/2024), or when the values mix both orders.
        """
        samples = [s for s in samples if s and s.strip()]
        if order is None:
            order = cls.detect_order(samples)
            if order is None:
                example = next((s.strip() for s in samples if _ambiguous_example(s)), None)
                if example is not None:
                    message = gettext_noop(
                        "This file's dates could be day-first or month-first (e.g. %(example)s): "
                        "choose the date order (--date-order dmy or mdy)."
                    )
                    raise AmbiguousDates(said(message, example=example), example=example)
        if calendar is None:
            calendar = cls.detect_calendar(samples)
        return cls(order=order, calendar=calendar, zone=zone)

    @staticmethod
    def detect_order(samples: Iterable[str]):
        """ "dmy", "mdy" or "ymd" from a sample of a column, or None when it cannot tell.

        A first part above 12 means day-first; a second part above 12 means month-first;
        only ISO values means "ymd". Values that are not dates are ignored.
        Raises AmbiguousDates when some values are day-first and others month-first.
        """
        day_first = month_first = None
        saw_iso = saw_other = False
        for sample in samples:
            match = _parts(sample or "")
            if not match:
                continue
            if _is_ymd(match):
                saw_iso = True
                continue
            saw_other = True
            first, second = int(match["first"]), int(match["second_part"])
            if first > 12 and second <= 12:
                day_first = day_first or sample.strip()
            elif second > 12 and first <= 12:
                month_first = month_first or sample.strip()
        if day_first and month_first:
            message = gettext_noop(
                "This file's dates mix day-first (%(day_first)s) and month-first (%(month_first)s) "
                "values: choose the date order (--date-order dmy or mdy)."
            )
            raise AmbiguousDates(
                said(message, day_first=day_first, month_first=month_first), example=day_first
            )
        if day_first:
            return "dmy"
        if month_first:
            return "mdy"
        if saw_iso and not saw_other:
            return "ymd"
        return None

    @staticmethod
    def detect_calendar(samples: Iterable[str]):
        """ "buddhist" when every four-digit year in the sample is above 2400, else "gregorian"."""
        years = []
        for sample in samples:
            match = _parts(sample or "")
            if not match:
                continue
            found = _YEAR.findall(f"{match['first']} {match['third']}")
            years.extend(int(y) for y in found)
        if years and all(year > BUDDHIST_THRESHOLD for year in years):
            return "buddhist"
        return "gregorian"

    def parse_datetime(self, text):
        """An aware datetime: in the reader's zone, or at the offset written in the value."""
        if self.calendar != "buddhist" and text and text[4:5] == "-":
            # The fast path for ISO 8601, the usual export format: the same result, 20 times sooner.
            try:
                moment = datetime.fromisoformat(text)
            except ValueError:
                pass
            else:
                if moment.year <= BUDDHIST_THRESHOLD:
                    return moment if moment.tzinfo else moment.replace(tzinfo=self.zone)
        day, clock, offset = self._read(text)
        moment = datetime.combine(day, clock)
        if offset is not None:
            return moment.replace(tzinfo=offset)
        return moment.replace(tzinfo=self.zone)

    def parse_date(self, text):
        """The calendar date as written (any time of day is ignored)."""
        day, _clock, _offset = self._read(text)
        return day

    def _read(self, text):
        raw = (text or "").strip()
        match = _parts(raw)
        if not match:
            raise _problem(gettext_noop("'%(value)s' is not a date"), raw)
        year, month, day = self._ymd(raw, match)
        if self.calendar == "buddhist":
            if year <= BUDDHIST_THRESHOLD:
                raise _problem(
                    gettext_noop("'%(value)s' is not a Buddhist-era date: this file's years are like 2567"),
                    raw,
                )
            year -= BUDDHIST_OFFSET
        try:
            day_value = date(year, month, day)
        except ValueError:
            raise _problem(gettext_noop("'%(value)s' is not a date"), raw) from None
        return day_value, self._clock(raw, match), self._offset(raw, match)

    def _ymd(self, raw, match):
        first, second, third = match["first"], match["second_part"], match["third"]
        if len(first) == 4:
            if len(second) > 2 or len(third) > 2:
                raise _problem(gettext_noop("'%(value)s' is not a date"), raw)
            return int(first), int(second), int(third)
        if len(first) > 2 or len(second) > 2:
            raise _problem(gettext_noop("'%(value)s' is not a date"), raw)
        if len(third) in (1, 2):
            raise _problem(
                gettext_noop("'%(value)s' has a two-digit year, which is ambiguous: use four-digit years"),
                raw,
            )
        if len(third) != 4:
            raise _problem(gettext_noop("'%(value)s' is not a date"), raw)
        a, b, year = int(first), int(second), int(third)
        order = self.order if self.order in ("dmy", "mdy") else None
        if order is None:
            if a > 12 and b <= 12 or a == b:
                order = "dmy"
            elif b > 12 and a <= 12:
                order = "mdy"
            elif a > 12 and b > 12:
                raise _problem(gettext_noop("'%(value)s' is not a date"), raw)
            else:
                message = gettext_noop(
                    "'%(value)s' could be day-first or month-first: "
                    "choose the date order (--date-order dmy or mdy)"
                )
                raise ValueProblem(said(message, value=raw))
        return (year, b, a) if order == "dmy" else (year, a, b)

    @staticmethod
    def _clock(raw, match):
        if match["hour"] is None:
            return time(0, 0)
        hour, minute = int(match["hour"]), int(match["minute"])
        second = int(match["second"] or 0)
        micro = int((match["fraction"] or "0").ljust(6, "0"))
        meridiem = (match["meridiem"] or "").lower().replace(".", "").replace(" ", "")
        if meridiem:
            if not 1 <= hour <= 12:
                raise _problem(
                    gettext_noop("'%(value)s' is not a time: %(hour)s %(meridiem)s is not an hour"),
                    raw,
                    hour=hour,
                    meridiem=meridiem.upper(),
                )
            hour = hour % 12 + (12 if meridiem == "pm" else 0)
        try:
            return time(hour, minute, second, micro)
        except ValueError:
            raise _problem(gettext_noop("'%(value)s' is not a valid time"), raw) from None

    @staticmethod
    def _offset(raw, match):
        written = match["offset"]
        if written is None:
            return None
        if written.upper() == "Z":
            return UTC
        sign = -1 if written[0] == "-" else 1
        digits = written[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
        if hours > 23 or minutes > 59:
            raise _problem(
                gettext_noop("'%(value)s' has an impossible UTC offset %(offset)s"), raw, offset=written
            )
        return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _ambiguous_example(sample):
    match = _parts(sample)
    if not match or _is_ymd(match):
        return False
    first, second = int(match["first"]), int(match["second_part"])
    return first <= 12 and second <= 12 and first != second


# --------------------------------------------------------------------------- amounts

# Currency markers people write next to amounts, folded to lower case.
_MARKERS = {
    "฿": "THB",
    "baht": "THB",
    "บาท": "THB",
    "₫": "VND",
    "đ": "VND",
    "vnđ": "VND",
    "đồng": "VND",
    "₺": "TRY",
    "tl": "TRY",
    "ytl": "TRY",
    "₱": "PHP",
    "€": "EUR",
    "£": "GBP",
    "us$": "USD",
    "s$": "SGD",
    "a$": "AUD",
    "hk$": "HKD",
    "nt$": "TWD",
}
# "$" and "¥" name several currencies: they are the file's own when it uses one of these.
_SHARED_SYMBOLS = {
    "$": ("USD", {"USD", "SGD", "AUD", "CAD", "NZD", "HKD", "TWD", "MXN", "BND"}),
    "¥": ("JPY", {"JPY", "CNY"}),
}
_SIGNS = "+-−()"
_AMOUNT = re.compile(r"^(?P<pre>\D*?)(?P<number>\d(?:[\d., ]*\d)?)(?P<post>\D*)$")
_TOKENS = re.compile(r"[+\-−()]|[^+\-−()\s]+")
_SPACE = re.compile(r"\s+")
_PLAIN_AMOUNT = re.compile(r"^(-?)(\d+)(?:[.,](\d{1,2}))?$")


def _locale_symbols(locale_hint):
    """(decimal sign, group sign) of a locale such as "tr" or "th_TH", or (None, None)."""
    if not locale_hint:
        return None, None
    try:
        locale = Locale.parse(locale_hint.replace("-", "_"))
    except (UnknownLocaleError, ValueError) as exc:
        raise ValueError(f"Unknown locale {locale_hint!r}: use a code such as tr or th.") from exc
    return get_decimal_symbol(locale), get_group_symbol(locale)


def _marker_currency(token, expected):
    folded = token.casefold()
    if folded in _SHARED_SYMBOLS:
        default, family = _SHARED_SYMBOLS[folded]
        return expected if expected in family else default
    if folded in _MARKERS:
        return _MARKERS[folded]
    if token.upper() in CURRENCY_CODES and len(token) == 3:
        return token.upper()
    return None


def _digits(raw, body, decimal_hint, group_hint, three_digits_are_decimals, what):
    """The plain "1234.56" form of a number written with thousands and decimal separators.

    Rules, in order:
    - spaces (including no-break spaces) only ever group thousands;
    - when both "." and "," appear, the last one is the decimal sign ("1.234,56", "1,234.56");
    - one kind repeated ("1.234.000", "1,234,567") groups thousands;
    - a single separator followed by anything but exactly three digits is the decimal sign
      ("12.50", "12,5");
    - a single separator followed by exactly three digits ("1,234") is ambiguous: it is the
      decimal sign when the locale hint says so ("tr": "1,234" = 1.234), thousands when the hint
      uses it for grouping or when there is no hint and the currency has fewer than three
      minor units ("1,234" THB = 1234, "1.234" VND = 1234).
    Thousands groups must be three digits; otherwise the value is refused.
    """
    problem = _not(what, raw)
    has_space = " " in body
    marks = [c for c in body if c in ".,"]
    kinds = set(marks)
    decimal = None
    if len(kinds) == 2:
        decimal = marks[-1]
        if marks.count(decimal) != 1:
            raise problem
    elif len(kinds) == 1:
        mark = marks[0]
        if len(marks) == 1:
            tail = body.rsplit(mark, 1)[1]
            if len(tail) != 3 or has_space or decimal_hint == mark:
                decimal = mark
            elif group_hint == mark or decimal_hint is not None:
                decimal = None
            else:
                decimal = mark if three_digits_are_decimals else None
    if decimal is not None:
        whole, fraction = body.rsplit(decimal, 1)
        if not fraction.isdigit():
            raise problem
    else:
        whole, fraction = body, ""
    groups = re.split(r"[., ]", whole)
    if len(groups) > 1 and (
        not 1 <= len(groups[0]) <= 3
        or any(len(g) != 3 for g in groups[1:])
        or not all(g.isdigit() for g in groups)
    ):
        raise problem
    digits = "".join(groups)
    if not digits.isdigit():
        raise problem
    return f"{digits}.{fraction}" if fraction else digits


def _sign_and_markers(raw, pre, post, what):
    """(negative?, [marker tokens]) from the text around the number, or ValueProblem."""
    problem = _not(what, raw)
    pre_tokens, post_tokens = _TOKENS.findall(pre), _TOKENS.findall(post)
    pre_signs = [t for t in pre_tokens if t in _SIGNS]
    post_signs = [t for t in post_tokens if t in _SIGNS]
    markers = [t for t in pre_tokens + post_tokens if t not in _SIGNS]
    signs = ("".join(pre_signs), "".join(post_signs))
    if signs in (("", ""), ("+", "")):
        negative = False
    elif signs in (("-", ""), ("−", ""), ("", "-"), ("", "−"), ("(", ")")):
        negative = True
    else:
        raise problem
    return negative, markers


def _split(raw, what):
    text = _SPACE.sub(" ", unicodedata.normalize("NFC", raw)).strip()
    if not text:
        raise ValueProblem(said(_EMPTY[what]))
    match = _AMOUNT.match(text)
    if not match:
        raise _not(what, raw)
    return match["pre"], match["number"], match["post"]


class AmountReader:
    """Reads money amounts in one currency as exact Decimals.

    Currency symbols and codes (฿, ₫, ₺, ₱, THB, TL, VNĐ, baht...) are stripped; a symbol or code
    of another currency is refused. Negatives: "-12.50", "12.50-", "(12.50)". See `_digits` for
    how the decimal sign is told from the thousands separator; `locale_hint` ("tr", "vi", "th")
    settles "1,234" and "1.234".
    """

    def __init__(self, currency, locale_hint=None):
        self.currency = check_currency(currency)
        self.minor_units = minor_units(self.currency)
        self.locale_hint = locale_hint
        self._decimal_hint, self._group_hint = _locale_symbols(locale_hint)

    def parse(self, text):
        raw = (text or "").strip()
        plain = _PLAIN_AMOUNT.match(raw)
        if plain:  # "1234", "-12.50", "12,5": one reading whatever the locale (see _digits)
            sign, whole, fraction = plain.groups()
            return Decimal(f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}")
        what = "amount"
        pre, number, post = _split(raw, what)
        negative, markers = _sign_and_markers(raw, pre, post, what)
        for token in markers:
            found = _marker_currency(token, self.currency)
            if found is None:
                raise _not(what, raw)
            if found != self.currency:
                raise _problem(
                    gettext_noop("'%(value)s' is in %(found)s but this file is in %(currency)s"),
                    raw,
                    found=found,
                    currency=self.currency,
                )
        plain = _digits(raw, number, self._decimal_hint, self._group_hint, self.minor_units >= 3, what)
        return _decimal(plain, negative)

    def parse_quantity(self, text):
        return parse_quantity(text, locale_hint=self.locale_hint)

    def parse_integer(self, text):
        return parse_integer(text, locale_hint=self.locale_hint)


def _decimal(plain, negative):
    try:
        value = Decimal(plain)
    except InvalidOperation:  # pragma: no cover - _digits only lets digits through
        raise _problem(gettext_noop("'%(value)s' is not a number"), plain) from None
    return -value if negative else value


def parse_quantity(text, locale_hint=None):
    """A Decimal quantity: "2", "1.5", "1,5", "1,000" (thousands, see `_digits`), "-1".

    Whether a negative or zero quantity is acceptable is the caller's decision.
    """
    raw = (text or "").strip()
    what = "quantity"
    pre, number, post = _split(raw, what)
    negative, markers = _sign_and_markers(raw, pre, post, what)
    if markers:
        raise _not(what, raw)
    decimal_hint, group_hint = _locale_symbols(locale_hint)
    return _decimal(_digits(raw, number, decimal_hint, group_hint, False, what), negative)


def parse_integer(text, locale_hint=None):
    """A whole number: "12", "1,200", "-3", "12.0"; "12.5" is refused."""
    raw = (text or "").strip()
    try:
        value = parse_quantity(raw, locale_hint=locale_hint)
    except ValueProblem:
        raise _problem(gettext_noop("'%(value)s' is not a whole number"), raw) from None
    if value != value.to_integral_value():
        raise _problem(gettext_noop("'%(value)s' is not a whole number"), raw)
    return int(value)


# --------------------------------------------------------------------------- yes / no

_TRUE = {"yes", "y", "true", "t", "1", "on", "ใช่", "ยินยอม", "co", "dong y", "evet", "oo", "opo"}
_FALSE = {
    "no",
    "n",
    "false",
    "f",
    "0",
    "off",
    "ไม่",
    "ไม่ใช่",
    "ไม่ยินยอม",
    "khong",
    "hayir",
    "hindi",
}


def _fold_word(text):
    decomposed = unicodedata.normalize("NFD", text.strip().casefold())
    stripped = re.sub("[\u0300-\u036f]", "", decomposed).translate(str.maketrans({"ı": "i", "đ": "d"}))
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", stripped))


def parse_bool(text):
    """True or False from yes/no words in English, Thai, Vietnamese, Turkish and Filipino."""
    raw = (text or "").strip()
    word = _fold_word(raw)
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise _problem(gettext_noop("'%(value)s' is not yes or no"), raw)
