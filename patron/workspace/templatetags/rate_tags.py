"""Rates and months shown in the active language."""

from babel.numbers import format_decimal, get_decimal_symbol
from django import template
from django.utils.translation import get_language

from patron.web.dates import format_month
from patron.workspace.money import babel_locale

register = template.Library()


@register.filter
def rate(value):
    """A rate with every digit it has and none it has not: 35.1, 0.0013513514."""
    if value is None:
        return ""
    return format_decimal(value.normalize(), locale=babel_locale(get_language()), decimal_quantization=False)


@register.filter
def month_name(first_day):
    """May 2026, พฤษภาคม 2569 (in the reader's calendar), tháng 5 năm 2026."""
    return format_month(first_day, "yMMMM")


@register.filter
def rate_input(value):
    """A rate as typed in the form, in the active language's decimal sign, without grouping."""
    if value is None:
        return ""
    text = f"{value.normalize():f}"
    return text.replace(".", get_decimal_symbol(babel_locale(get_language())))
