"""The evidence the ladder's own app registers (see patron/ladder/evidence.py): purchases,
referrals, partner organisations, and what staff record by hand.

- purchase: an order that counts as spend (patron/sales/rules.py SPEND: a completed order, at
  the time it was placed); cancelled and refunded orders and returns are no purchase.
- repeat_purchase: every purchase but the customer's first (the earliest; of two at the same
  time, one), at the time it was placed: the purchases' rows, registered ``after_first``.
- referral: a referral the customer made in the loyalty programme (patron.loyalty Referral,
  its referrer, when it was recorded), whether or not the referred customer has bought yet.
- partner_org: the customer's e-mail address is that of a contact at an organisation of a
  partner kind (PARTNER_KINDS: the marketing partners, not the financial community), dated when
  the organisation was recorded; one row per such contact.
- by hand: evidence an Admin or Marketer records on the customer page (HandEvidence), of the
  codes HAND_CODES, at the day it happened: a contract above all, which no other app holds.
"""

from django.db.models import F

from patron.customers.models import ContactKind, ContactPoint
from patron.ladder.evidence import label, register
from patron.ladder.models import HandEvidence
from patron.loyalty.models import Referral
from patron.organisations.models import Organisation, OrganisationContact, OrganisationKind
from patron.sales.models import Order
from patron.sales.rules import SPEND

PARTNER_KINDS = (
    OrganisationKind.SUPPLIER,
    OrganisationKind.DISTRIBUTOR,
    OrganisationKind.CHANNEL_PARTNER,
    OrganisationKind.AGENCY,
    OrganisationKind.INTERMEDIARY,
)


def purchases():
    return Order.objects.filter(status__in=SPEND).annotate(at=F("placed_at")).values("customer_id", "at")


def referrals():
    made = Referral.objects.annotate(customer_id=F("referrer_id"), at=F("created_at"))
    return made.values("customer_id", "at")


def partner_organisations():
    points, contacts, organisations = (
        ContactPoint._meta.db_table,
        OrganisationContact._meta.db_table,
        Organisation._meta.db_table,
    )
    kinds = ", ".join(["%s"] * len(PARTNER_KINDS))
    # A contact's address compared as a customer's is kept (casefolded; lower() for ASCII).
    sql = (
        f"SELECT p.customer_id AS customer_id, o.created_at AS at FROM {points} p "  # noqa: S608
        f"JOIN {contacts} c ON LOWER(c.email) = p.normalised AND c.email <> '' "
        f"JOIN {organisations} o ON o.id = c.organisation_id "
        f"WHERE p.kind = %s AND o.kind IN ({kinds})"
    )
    return sql, [ContactKind.EMAIL.value, *(str(kind) for kind in PARTNER_KINDS)]


register("purchase", label("purchase"), purchases, name="sales.purchases")
register(
    "repeat_purchase", label("repeat_purchase"), purchases, name="sales.repeat_purchases", after_first=True
)
register("referral", label("referral"), referrals, name="loyalty.referrals")
register("partner_org", label("partner_org"), partner_organisations, name="organisations.partner_contacts")


def by_hand(kind):
    def rows():
        return HandEvidence.objects.filter(kind=kind).values("customer_id", "at")

    return rows


for kind in HandEvidence.Kind.values:
    register(kind, label(kind), by_hand(kind), name=f"ladder.by_hand.{kind}")
