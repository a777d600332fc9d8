"""Scores in words on any page: {% load scoring %}{{ score.value_decile|value_rank }}, and the
value card of a customer: {% value_card customer workspace %}."""

from django import template

from patron.scoring.models import CustomerScore
from patron.scoring.reasons import score_reasons
from patron.scoring.reasons import value_rank as _value_rank

register = template.Library()


@register.filter
def value_rank(decile):
    """1 -> "in the top 10% by lifetime value"; 8 -> "in the bottom 30% by lifetime value"."""
    return _value_rank(decile)


@register.inclusion_tag("scoring/_value_card.html")
def value_card(customer, workspace):
    """The customer page's value card, drawn by scoring so that customers needs none of it."""
    score = CustomerScore.objects.select_related("run").filter(customer=customer).first()
    return {
        "customer": customer,
        "score": score,
        "reasons": score_reasons(score, workspace.currency) if score else [],
        "workspace": workspace,
    }
