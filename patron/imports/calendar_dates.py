"""Dates and times as the reader writes them: in their language, time zone and calendar.

A stand-in until a shared formatter of dates in the user's calendar lands (patron/workspace or
patron/web); the import preview calls only :func:`show_date` and :func:`show_moment`, so the
swap is here alone. The calendar is the user's profile's, or when empty the language's custom:
the Buddhist era (the Gregorian year + 543) in Thai, the Gregorian calendar otherwise.
"""

from babel.dates import format_date, format_datetime
from django.utils import timezone
from django.utils.translation import get_language

from patron.imports.values import BUDDHIST_OFFSET
from patron.workspace.money import babel_locale


def calendar_of(user):
    """ "buddhist" or "gregorian": the user's choice, else the active language's custom."""
    profile = getattr(user, "profile", None)
    chosen = getattr(profile, "calendar", "") if profile is not None else ""
    if chosen:
        return chosen
    return "buddhist" if (get_language() or "").startswith("th") else "gregorian"


def _in_calendar(text, year, calendar):
    if calendar != "buddhist":
        return text
    return text.replace(str(year), str(year + BUDDHIST_OFFSET))


def show_date(value, calendar):
    """A calendar date, medium length: 5 มี.ค. 2567, 5 thg 3, 2024."""
    return _in_calendar(
        format_date(value, "medium", locale=babel_locale(get_language())), value.year, calendar
    )


def show_moment(moment, calendar):
    """An aware date-time in the active time zone (the user's), medium length."""
    local = timezone.localtime(moment)
    text = format_datetime(local, "medium", tzinfo=local.tzinfo, locale=babel_locale(get_language()))
    return _in_calendar(text, local.year, calendar)
