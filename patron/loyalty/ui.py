"""What the loyalty app adds to pages it does not own: the customer page's points panel (balance,
tier, what expires next, coupons, the card, and the redeem and adjust forms) and its panel of
recent entries; and the Loyalty entry of the menu, the liability page, for every role."""

from django.utils.translation import gettext_lazy as _

from patron.customers.ui import customer_panels
from patron.loyalty.cards import ISSUE as ISSUE_CARD
from patron.loyalty.customer_forms import AdjustForm, RedeemForm
from patron.loyalty.ledger import ADJUST_POINTS, REDEEM_POINTS
from patron.loyalty.referral_views import referral_panel
from patron.loyalty.standing import card_of, coupons_of, entries_of, standing_of
from patron.web import navigation
from patron.web.navigation import NavEntry
from patron.web.panels import Panel

RECENT_ENTRIES = 10


def _points(request, customer, **page):
    # A merged record's points live on the survivor; an erased person is redeemed for no more.
    open_record = not customer.merged_into_id and not customer.erased_at
    can_redeem = open_record and request.user.has_perm(REDEEM_POINTS)
    can_adjust = open_record and request.user.has_perm(ADJUST_POINTS)
    return {
        "standing": standing_of(customer),
        "coupons": coupons_of(customer),
        "card": card_of(customer),
        "can_issue_card": open_record and request.user.has_perm(ISSUE_CARD),
        "redeem_form": RedeemForm() if can_redeem else None,
        "adjust_form": AdjustForm() if can_adjust else None,
    }


def _entries(request, customer, **page):
    entries = list(entries_of(customer)[: RECENT_ENTRIES + 1])
    return {"entries": entries[:RECENT_ENTRIES], "more_entries": len(entries) > RECENT_ENTRIES}


customer_panels.register(
    Panel(
        "points", "loyalty/panels/points.html", order=35, context=_points, permission="loyalty.view_account"
    )
)
customer_panels.register(
    Panel(
        "referrals",
        "loyalty/panels/referrals.html",
        order=36,
        context=referral_panel,
        permission="loyalty.view_referral",
    )
)
customer_panels.register(
    Panel(
        "points_entries",
        "loyalty/panels/entries.html",
        order=65,
        context=_entries,
        permission="loyalty.view_entry",
        wide=True,
    )
)

navigation.register(
    NavEntry(
        "loyalty",
        _("Loyalty"),
        "loyalty:liability",
        order=35,
        permission="loyalty.view_entry",
        current_for=("loyalty",),
        element_id="nav-loyalty",
    )
)
