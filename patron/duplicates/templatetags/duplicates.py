from babel.numbers import format_percent
from django import template
from django.utils.translation import get_language

from patron.workspace.money import babel_locale

register = template.Library()


@register.filter
def percent(share):
    """0.87 -> "87%" ("%87" in Turkish), as the active language writes it."""
    return format_percent(share, locale=babel_locale(get_language()))
