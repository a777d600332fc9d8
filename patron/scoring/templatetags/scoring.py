"""Scores in words on any page: {% load scoring %}{{ score.value_decile|value_rank }}. (The value
card on the customer page is scoring's panel there: patron.scoring.ui.)"""

from django import template

from patron.scoring.reasons import value_rank as _value_rank

register = template.Library()


@register.filter
def value_rank(decile):
    """1 -> "in the top 10% by lifetime value"; 8 -> "in the bottom 30% by lifetime value"."""
    return _value_rank(decile)
