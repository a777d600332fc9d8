"""A redemption or an Admin's adjustment that staff ask for, on the customer page or through the
API: one path for both, so that a form and a request with the same points and reason make the
same entry, checked by the same fingerprint, and are refused in the same words."""

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from patron.loyalty.ledger import points_adjust, points_redeem
from patron.loyalty.standing import fingerprint

MOST_POINTS = 1_000_000_000
"""The most points one request or form may move either way."""
MOVES = {"redeem": points_redeem, "adjust": points_adjust}


def points_message(*, signed):
    """What to give as points: a whole number above 0 (a redemption), or other than 0 when
    ``signed`` (an adjustment), at most MOST_POINTS either way."""
    most = {"most": number_format(MOST_POINTS, force_grouping=True)}
    if signed:
        return _("Give the points as a whole number other than 0, from -%(most)s to %(most)s.") % most
    return _("Give the points as a whole number from 1 to %(most)s.") % most


def points_move(kind, *, customer, points, reason, key, by):
    """Redeem (``kind`` "redeem") or adjust ("adjust") ``points`` of ``customer``'s under the
    ledger's ``key`` (the user's and their form's or request's together), with ``reason``'s
    spaces folded. Returns (entry, created); raises what the ledger's service raises."""
    reason = " ".join((reason or "").split())
    return MOVES[kind](
        customer=customer,
        points=points,
        key=key,
        reason=reason,
        by=by,
        fingerprint=fingerprint(kind, customer.pk, points, reason),
    )
