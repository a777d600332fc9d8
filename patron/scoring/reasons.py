"""A customer's scores in plain words a marketer reads at a glance:
"last purchase 214 days ago; 7 repeat purchases in 2 years; 23% likely still active;
expected to spend ฿4,200.00 in the next 12 months"."""

from babel.numbers import format_percent
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from patron.scoring.services import HORIZON_MONTHS
from patron.workspace.money import babel_locale, format_money


def score_reasons(score, currency, *, now=None) -> list[str]:
    """The sentences, in the active language; the models' ones only when the run fitted them."""
    now = now or timezone.now()
    days = max(0, (now - score.last_purchase).days)
    reasons = [
        ngettext("last purchase %(days)s day ago", "last purchase %(days)s days ago", days) % {"days": days}
        if days
        else _("last purchase today"),
        _("%(purchases)s in %(span)s")
        % {
            "purchases": ngettext(
                "%(count)s repeat purchase", "%(count)s repeat purchases", score.repeat_purchases
            )
            % {"count": score.repeat_purchases},
            "span": _span((now - score.first_purchase).days),
        },
    ]
    if score.p_alive is not None:
        share = format_percent(score.p_alive, locale=babel_locale(get_language()))
        reasons.append(_("%(share)s likely still active") % {"share": share})
    if score.clv is not None:
        reasons.append(
            ngettext(
                "expected to spend %(amount)s in the next %(months)s month",
                "expected to spend %(amount)s in the next %(months)s months",
                HORIZON_MONTHS,
            )
            % {
                "amount": format_money(score.clv, currency, get_language(), whole=True),
                "months": HORIZON_MONTHS,
            }
        )
    return reasons


def value_rank(decile) -> str:
    """Value decile 1 (the most valuable tenth) to 10 in words nobody reads upside down:
    decile 2 is "in the top 20%", decile 8 "in the bottom 30%" (both true of every customer
    in it: fewer than that share of customers are ahead of them, or behind)."""
    if decile is None:
        return ""
    locale = babel_locale(get_language())
    if decile <= 5:
        share = format_percent(decile / 10, locale=locale)
        return _("in the top %(share)s by lifetime value") % {"share": share}
    share = format_percent((11 - decile) / 10, locale=locale)
    return _("in the bottom %(share)s by lifetime value") % {"share": share}


def _span(days):
    if days >= 730:
        years = days // 365
        return ngettext("%(count)s year", "%(count)s years", years) % {"count": years}
    if days >= 60:
        months = days // 30
        return ngettext("%(count)s month", "%(count)s months", months) % {"count": months}
    weeks = max(1, days // 7)
    return ngettext("%(count)s week", "%(count)s weeks", weeks) % {"count": weeks}
