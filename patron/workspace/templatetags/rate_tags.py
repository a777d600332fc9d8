"""Rates and months shown in the active language."""

from babel.dates import format_skeleton
from babel.numbers import format_decimal, get_decimal_symbol
from django import template
from django.utils.translation import get_language, ngettext

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
    """May 2026, พฤษภาคม 2026, tháng 5 năm 2026."""
    return format_skeleton("yMMMM", first_day, locale=babel_locale(get_language()))


@register.simple_tag
def missing_sentence(currency, month):
    """'Rates missing for USD on 14 days in May 2026' (month: a rate_gaps.MonthGap)."""
    count = len(month.days)
    return ngettext(
        "Rates missing for %(currency)s on %(count)s day in %(month)s",
        "Rates missing for %(currency)s on %(count)s days in %(month)s",
        count,
    ) % {"currency": currency, "count": count, "month": month_name(month.month)}


@register.simple_tag
def order_days_sentence(currency, days):
    count = len(days)
    return ngettext(
        "Orders in %(currency)s were placed on %(count)s day that has no rate",
        "Orders in %(currency)s were placed on %(count)s days that have no rate",
        count,
    ) % {"currency": currency, "count": count}


@register.filter
def rate_input(value):
    """A rate as typed in the form, in the active language's decimal sign, without grouping."""
    if value is None:
        return ""
    text = f"{value.normalize():f}"
    return text.replace(".", get_decimal_symbol(babel_locale(get_language())))
