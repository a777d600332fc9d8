"""Dates and times as the reader reads them: in their time zone, language and calendar.

The calendar is the one a user chose on their settings page (``UserProfile.calendar``), or,
left empty, their language's custom: the Buddhist era in Thai (the year 2026 is 2569), the
Gregorian calendar otherwise. ``UserPreferencesMiddleware`` makes a request's choice the active
one, as it does the language and the time zone; outside a request (a job, a command) the
language's custom holds unless ``calendar_override`` says otherwise.

Only the year changes: months and days are the same in both (Thailand's Buddhist calendar is
the Gregorian one counted from 543 BC). Thai writes the year alone (6 ธ.ค. 2569), as Thai
readers expect; the other languages add the era, as CLDR does (Dec 6, 2569 BE), so a year that
is not the Gregorian one is never read as one. Dates typed into forms stay ISO and Gregorian:
they come from the browser's date pickers.
"""

import contextlib
import functools
from contextvars import ContextVar
from datetime import date, datetime

from babel import Locale
from babel.dates import format_date, format_time, match_skeleton
from django.utils import timezone
from django.utils.translation import get_language

from patron.workspace.money import babel_locale

GREGORIAN, BUDDHIST = "gregorian", "buddhist"
CALENDARS = (GREGORIAN, BUDDHIST)
BUDDHIST_ERA_OFFSET = 543
# CLDR's abbreviated name of the Buddhist era; every language but Thai uses "BE".
_BUDDHIST_ERA = {"th": "พ.ศ."}

_chosen = ContextVar("patron_calendar", default="")


def activate_calendar(calendar):
    """Make ``calendar`` ("gregorian", "buddhist", or "" for the language's custom) the one dates
    are shown in; returns a token for ``reset_calendar``."""
    return _chosen.set(calendar if calendar in CALENDARS else "")


def reset_calendar(token):
    _chosen.reset(token)


@contextlib.contextmanager
def calendar_override(calendar):
    token = activate_calendar(calendar)
    try:
        yield
    finally:
        reset_calendar(token)


def _language(language):
    return babel_locale(language or get_language() or "en").split("_")[0]


def calendar_in_use(language=None, calendar=None):
    """ "buddhist" or "gregorian": ``calendar`` if given, else the active choice, else the
    language's custom (Buddhist in Thai)."""
    chosen = calendar if calendar is not None else _chosen.get()
    if chosen in CALENDARS:
        return chosen
    return BUDDHIST if _language(language) == "th" else GREGORIAN


def format_day(value, format="medium", *, language=None, calendar=None):
    """A date as the reader writes it: "Dec 6, 2026", "6 ธ.ค. 2569". A datetime is taken on its
    day in the active time zone; an ISO string ("2026-12-06") is read first; None gives "—"."""
    if not value:
        return "—"
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    language = babel_locale(language or get_language())
    pattern = _pattern(language, "date", format, calendar_in_use(language, calendar), value.year)
    return format_date(value, pattern, locale=language)


def format_moment(moment, format="medium", *, language=None, calendar=None):
    """A point in time, in the active time zone: "Dec 6, 2026, 12:30:00 PM", "6 ธ.ค. 2569 12:30:00"."""
    if not moment:
        return "—"
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    language = babel_locale(language or get_language())
    day = format_day(local.date(), format, language=language, calendar=calendar)
    clock = format_time(local, format, locale=language)
    joined = str(Locale.parse(language).datetime_formats[format]).replace("'", "")
    return joined.replace("{1}", day).replace("{0}", clock)


def format_month(value, skeleton="yMMM", *, language=None, calendar=None):
    """A month and its year, for charts and periods: "Dec 2026", "ธ.ค. 2569"; with the skeleton
    "yMMMM", "December 2026", "ธันวาคม 2569". An ISO string ("2026-12-01") is read first."""
    if not value:
        return "—"
    if isinstance(value, str):
        value = date.fromisoformat(value)
    language = babel_locale(language or get_language())
    pattern = _pattern(language, "skeleton", skeleton, calendar_in_use(language, calendar), value.year)
    return format_date(value, pattern, locale=language)


@functools.lru_cache(maxsize=512)
def _pattern(language, kind, format, calendar, year):
    """The locale's pattern for ``format``, its year written out in the Buddhist era when asked."""
    locale = Locale.parse(language)
    if kind == "skeleton":
        skeletons = locale.datetime_skeletons
        pattern = skeletons[format if format in skeletons else match_skeleton(format, skeletons)].pattern
    else:
        pattern = locale.date_formats[format].pattern
    if calendar != BUDDHIST:
        return pattern
    era = _BUDDHIST_ERA.get(locale.language, "BE")
    # Thai writes the year alone, other languages with the era, unless the pattern names it.
    suffix = "" if locale.language == "th" or "G" in _fields(pattern) else f" {era}"
    return _replace_fields(pattern, {"G": era, "y": year + BUDDHIST_ERA_OFFSET}, suffix)


def _tokens(pattern):
    """LDML pattern pieces: ('text', quoted literal) or ('field', run of one letter)."""
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "'":
            end = i + 1
            while end < len(pattern):
                if pattern[end] == "'" and pattern[end + 1 : end + 2] == "'":
                    end += 2
                    continue
                if pattern[end] == "'":
                    break
                end += 1
            yield "text", pattern[i : end + 1]
            i = end + 1
        elif char.isalpha():
            end = i
            while end < len(pattern) and pattern[end] == char:
                end += 1
            yield "field", pattern[i:end]
            i = end
        else:
            yield "text", char
            i += 1


def _fields(pattern):
    return {piece[0] for kind, piece in _tokens(pattern) if kind == "field"}


def _quote(text):
    return "'" + text.replace("'", "''") + "'"


def _replace_fields(pattern, values, year_suffix):
    parts = []
    for kind, piece in _tokens(pattern):
        letter = piece[0] if kind == "field" else ""
        if letter in ("y", "Y", "u"):
            year = str(values["y"])
            parts.append(_quote((year[-2:] if len(piece) == 2 else year) + year_suffix))
        elif letter == "G":
            parts.append(_quote(values["G"]))
        else:
            parts.append(piece)
    return "".join(parts)
