"""Dates, numbers and money formatted for the active language and the viewer's time zone."""

import functools

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal, format_percent
from django import template
from django.utils.translation import get_language

from patron.customers.phones import display_phone
from patron.scoring.models import Segment
from patron.web.dates import format_day, format_moment, format_month
from patron.workspace.money import babel_locale, format_money, format_money_short

register = template.Library()


def _locale():
    return babel_locale(get_language())


@register.filter
def money(amount, currency):
    if amount is None:
        return "—"
    return _money(amount, currency, get_language())


# Lists show the same amounts and phones page after page: Babel and phonenumbers take 15 and
# 20 microseconds for each, 50 rows a page.
@functools.lru_cache(maxsize=20_000)
def _money(amount, currency, language):
    return format_money(amount, currency, language)


@register.filter
def money_short(amount, currency):
    """A glance at an amount where room is short: ฿101.9K, 101,9 N ₫ (money gives it in full)."""
    if amount is None:
        return "—"
    return format_money_short(amount, currency, get_language())


@register.filter
def when(moment):
    """A point in time in the reader's zone, language and calendar (patron.web.dates)."""
    return format_moment(moment)


@register.filter
def day(value):
    """A date (or an ISO date string) in the reader's language and calendar: 6 ธ.ค. 2569."""
    return format_day(value)


@register.filter
def month(value):
    """A month and its year in the reader's language and calendar: Dec 2026, ธ.ค. 2569."""
    return format_month(value)


@register.filter
def number(value):
    return format_decimal(value or 0, locale=_locale())


@register.filter
def percent(share):
    """0.23 -> "23%" in the active language's way."""
    if share is None:
        return "—"
    return format_percent(share, locale=_locale())


@register.filter
@functools.lru_cache(maxsize=20_000)
def phone(e164, region=None):
    return display_phone(e164, region)


def _show(value):
    if value in (None, "", [], {}):
        return "—"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


@register.filter
def audit_lines(changes):
    """An audit event's changes as (field, old, new) rows; consent events as (field, "", value)."""
    return [
        (field, "" if value[0] is None else _show(value[0]), _show(value[1]))
        if isinstance(value, list) and len(value) == 2
        else (field, "", _show(value))
        for field, value in changes.items()
    ]


@register.filter
def country_name(code):
    """ "TH" -> "Thailand" / "ประเทศไทย" in the active language."""
    if not code:
        return "—"
    return Locale.parse(_locale()).territories.get(code, code)


@register.filter
def language_name(code):
    """ "vi" -> "Vietnamese" / "tiếng Việt" in the active language."""
    if not code:
        return "—"
    try:
        return Locale.parse(_locale()).languages.get(Locale.parse(code.replace("-", "_")).language, code)
    except (ValueError, UnknownLocaleError):
        return code


SEGMENT_NAMES = dict(Segment.choices)


@register.filter
def segment_name(segment):
    """ "at_risk" -> "At risk" in the active language, as get_segment_display() says it, which
    builds a dictionary of every segment's translated name on each call (50 times a page)."""
    return SEGMENT_NAMES.get(segment, segment)


@register.filter
def get(mapping, key):
    """mapping[key] in a template, None when missing."""
    return (mapping or {}).get(key)
