"""A customer's scores in plain words a marketer reads at a glance:
"last purchase 214 days ago; 7 repeat purchases in 2 years; 23% likely still active;
expected to spend ฿4,200.00 in the next 12 months"."""

from babel.lists import format_list
from babel.numbers import format_decimal, format_percent
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


# Deciles 1 to 3 (the top 30%) are worth naming; below that, "top 60%" is no reason to call.
TOP_DECILES_NAMED = 3


def call_reason(score, currency, *, now=None) -> str:
    """Why a customer is worth a call now, in one line of the active language: "bought every 3
    weeks, nothing for 9 weeks, top 10% by value, and ฿12,000 at risk". From the score: the
    customer's usual gap between purchases (their span over the gaps), the time since the
    last, their value decile (named when in the top 30%) and the value at risk (if any)."""
    now = now or timezone.now()
    locale = babel_locale(get_language())
    parts = [_every(score)]
    parts.append(_silence(max(0, (now - score.last_purchase).days)))
    if score.value_decile is not None and score.value_decile <= TOP_DECILES_NAMED:
        share = format_percent(score.value_decile / 10, locale=locale)
        parts.append(_("top %(share)s by value") % {"share": share})
    if score.value_at_risk:
        amount = format_money(score.value_at_risk, currency, get_language(), whole=True)
        parts.append(_("%(amount)s at risk") % {"amount": amount})
    return format_list(parts, locale=locale)


def _unit(days):
    """A span of days as the unit a person would say it in, and how many: 5 days, 3 weeks, 4
    months, 2 years (weeks from 14 days, months from 13 weeks, years from 2 years)."""
    if days < 14:
        return "day", days
    if days < 91:
        return "week", round(days / 7)
    if days < 730:
        return "month", round(days / 30.44)
    return "year", round(days / 365.25)


def _every(score):
    if score.purchases < 2:
        return _("bought once")
    gap = (score.last_purchase - score.first_purchase).days / (score.purchases - 1)
    unit, count = _unit(gap)
    if unit == "day" and count <= 1:
        return _("bought every day")
    number = format_decimal(count, locale=babel_locale(get_language()))
    phrases = {
        "day": ngettext("bought every %(count)s day", "bought every %(count)s days", count),
        "week": ngettext("bought every %(count)s week", "bought every %(count)s weeks", count),
        "month": ngettext("bought every %(count)s month", "bought every %(count)s months", count),
        "year": ngettext("bought every %(count)s year", "bought every %(count)s years", count),
    }
    return phrases[unit] % {"count": number}


def _silence(days):
    if days == 0:
        return _("last purchase today")
    unit, count = _unit(days)
    number = format_decimal(count, locale=babel_locale(get_language()))
    phrases = {
        "day": ngettext("nothing for %(count)s day", "nothing for %(count)s days", count),
        "week": ngettext("nothing for %(count)s week", "nothing for %(count)s weeks", count),
        "month": ngettext("nothing for %(count)s month", "nothing for %(count)s months", count),
        "year": ngettext("nothing for %(count)s year", "nothing for %(count)s years", count),
    }
    return phrases[unit] % {"count": number}
